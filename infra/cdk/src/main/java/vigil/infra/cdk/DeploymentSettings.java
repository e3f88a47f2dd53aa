package vigil.infra.cdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import software.amazon.awscdk.services.logs.RetentionDays;
import vigil.schema.Tables;

/**
 * Synthesis-time settings of one deployment, read from CDK context ({@code cdk deploy -c vigil:shardCount=4}) with
 * the defaults of {@code infra/cdk/cdk.json}. Values that CloudFormation can change without a new synthesis
 * (certificate, image tags, allowed client network) are stack parameters instead; see {@link VigilStack}.
 *
 * @param prefix                  physical-name prefix of the stream and tables (consumer and API
 *                                {@code VIGIL_TABLE_PREFIX})
 * @param streamMode              Kinesis capacity mode
 * @param shardCount              shards when {@code streamMode} is {@link StreamCapacity#PROVISIONED}; ignored on demand
 * @param consumerMinTasks        consumer workers when the stream is idle (also the desired count at deploy)
 * @param consumerMaxTasks        upper bound of consumer autoscaling; at most {@code shardCount} when provisioned,
 *                                because KCL gives each shard lease to exactly one worker and extra workers idle
 * @param apiTasks                dashboard-api tasks (spread over two availability zones), 1 or 2: each one reads
 *                                the device-state and alert streams (docs/change-feeds.md)
 * @param logRetention            retention of every log group
 * @param streamRetentionHours    how long Kinesis keeps records (24..8760), the replay window after an outage
 * @param quarantineWritesPer5Min quarantine write units in 5 minutes above which the quarantine alarm fires
 * @param consumerRepository      ECR repository of the consumer image (created before the first deploy)
 * @param dashboardRepository     ECR repository of the dashboard-api image
 * @param internetFacingApi       whether the load balancer gets a public address (otherwise internal, reached over
 *                                the hospital's VPN or Direct Connect)
 * @param alarmEmail              address subscribed to the alarm topic, or {@code null}
 * @param enhancedFanOut          the consumer reads the stream by enhanced fan-out (pushed, about 70 ms, its own
 *                                2 MB/s per shard) instead of polling ({@code VIGIL_RETRIEVAL}; docs/observability.md)
 */
public record DeploymentSettings(
        String prefix,
        StreamCapacity streamMode,
        int shardCount,
        int consumerMinTasks,
        int consumerMaxTasks,
        int apiTasks,
        RetentionDays logRetention,
        int streamRetentionHours,
        int quarantineWritesPer5Min,
        String consumerRepository,
        String dashboardRepository,
        boolean internetFacingApi,
        String alarmEmail,
        boolean enhancedFanOut) {

    /** Kinesis capacity mode. */
    public enum StreamCapacity {
        ON_DEMAND,
        PROVISIONED
    }

    public DeploymentSettings {
        List<String> errors = new ArrayList<>();
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]{1,64}")) {
            errors.add("vigil:prefix must be 1..64 of A-Z a-z 0-9 . _ -");
        }
        if (streamMode == null) {
            errors.add("vigil:streamMode must be ON_DEMAND or PROVISIONED");
        }
        if (shardCount < 1 || shardCount > 500) {
            errors.add("vigil:shardCount must be 1..500, was " + shardCount);
        }
        if (consumerMinTasks < 1) {
            errors.add("vigil:consumerMinTasks must be >= 1, was " + consumerMinTasks);
        }
        if (consumerMaxTasks < consumerMinTasks) {
            errors.add("vigil:consumerMaxTasks (" + consumerMaxTasks + ") must be >= vigil:consumerMinTasks ("
                    + consumerMinTasks + ")");
        }
        if (streamMode == StreamCapacity.PROVISIONED && consumerMaxTasks > shardCount) {
            errors.add("vigil:consumerMaxTasks (" + consumerMaxTasks + ") exceeds vigil:shardCount (" + shardCount
                    + "): KCL leases each shard to one worker, so workers beyond the shard count only idle");
        }
        if (apiTasks < 1 || apiTasks > 2) {
            errors.add("vigil:apiTasks must be 1 or 2, was " + apiTasks + ": each task reads the device-state and"
                    + " alert DynamoDB streams, and more than two readers per stream shard are throttled"
                    + " (docs/change-feeds.md)");
        }
        if (logRetention == null || logRetention == RetentionDays.INFINITE) {
            errors.add("vigil:logRetention must be a finite RetentionDays name such as ONE_YEAR");
        }
        if (streamRetentionHours < 24 || streamRetentionHours > 8760) {
            errors.add("vigil:streamRetentionHours must be 24..8760, was " + streamRetentionHours);
        }
        if (quarantineWritesPer5Min < 1) {
            errors.add("vigil:quarantineWritesPer5Min must be >= 1");
        }
        if (consumerRepository == null || consumerRepository.isBlank()
                || dashboardRepository == null || dashboardRepository.isBlank()) {
            errors.add("vigil:consumerRepository and vigil:dashboardRepository must name ECR repositories");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid deployment settings: " + String.join("; ", errors));
        }
    }

    /** The defaults, equal to those in {@code cdk.json}: two provisioned shards, one to two consumer workers. */
    public static DeploymentSettings defaults() {
        return fromContext(key -> null);
    }

    /**
     * Reads every {@code vigil:*} key through {@code context} (CDK's {@code node.tryGetContext}); a missing key takes
     * its default. Values may be JSON numbers and booleans (cdk.json) or strings ({@code -c key=value}).
     */
    public static DeploymentSettings fromContext(Function<String, Object> context) {
        StreamCapacity mode;
        String modeText = text(context, "vigil:streamMode", "PROVISIONED").toUpperCase(Locale.ROOT);
        try {
            mode = StreamCapacity.valueOf(modeText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vigil:streamMode must be ON_DEMAND or PROVISIONED, was " + modeText, e);
        }
        String retentionText = text(context, "vigil:logRetention", "ONE_YEAR").toUpperCase(Locale.ROOT);
        RetentionDays retention;
        try {
            retention = RetentionDays.valueOf(retentionText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vigil:logRetention must name a RetentionDays value such as ONE_YEAR, was "
                    + retentionText, e);
        }
        String email = text(context, "vigil:alarmEmail", "");
        return new DeploymentSettings(
                text(context, "vigil:prefix", Tables.DEFAULT_PREFIX),
                mode,
                number(context, "vigil:shardCount", 2),
                number(context, "vigil:consumerMinTasks", 1),
                number(context, "vigil:consumerMaxTasks", 2),
                number(context, "vigil:apiTasks", 2),
                retention,
                number(context, "vigil:streamRetentionHours", 168),
                number(context, "vigil:quarantineWritesPer5Min", 100),
                text(context, "vigil:consumerRepository", "vigil/consumer"),
                text(context, "vigil:dashboardRepository", "vigil/dashboard-api"),
                Boolean.parseBoolean(text(context, "vigil:internetFacingApi", "false")),
                email.isBlank() ? null : email,
                retrieval(text(context, "vigil:retrieval", "POLLING")));
    }

    private static boolean retrieval(String value) {
        return switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "POLLING" -> false;
            case "FANOUT" -> true;
            default -> throw new IllegalArgumentException("vigil:retrieval must be POLLING or FANOUT, was " + value);
        };
    }

    /** Name of the KCL application, which KCL also uses as its lease table name ({@code VIGIL_APP_NAME}). */
    public String kclApplicationName() {
        return prefix + "consumer";
    }

    /** Name of the telemetry stream ({@code VIGIL_STREAM}). */
    public String streamName() {
        return prefix + "telemetry";
    }

    private static String text(Function<String, Object> context, String key, String defaultValue) {
        Object value = context.apply(key);
        return value == null ? defaultValue : value.toString().trim();
    }

    private static int number(Function<String, Object> context, String key, int defaultValue) {
        Object value = context.apply(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'", e);
        }
    }
}
