package vigil.infra.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import vigil.schema.Tables;

/**
 * What {@link LocalAws} starts.
 *
 * @param kinesisPort      kinesalite port; 0 picks a free port
 * @param dynamoDbPort     DynamoDB Local port; 0 picks a free port
 * @param shardCount       shards of the telemetry stream
 * @param streamName       telemetry stream name
 * @param tablePrefix      prefix of every table name
 * @param startKinesis     false starts DynamoDB Local only (for tests that need no stream)
 * @param kinesaliteHome   folder holding {@code run-kinesalite.js} and {@code node_modules}; null finds it
 * @param startTimeout     how long to wait for each emulator to answer
 * @param kclApplications  KCL application names whose lease tables are created up front (see
 *                         {@code ResourceCreator#createKclLeaseTable})
 */
public record LocalAwsConfig(
        int kinesisPort,
        int dynamoDbPort,
        int shardCount,
        String streamName,
        String tablePrefix,
        boolean startKinesis,
        Path kinesaliteHome,
        Duration startTimeout,
        List<String> kclApplications) {

    public static final String DEFAULT_STREAM = "vigil-telemetry";
    public static final int DEFAULT_SHARDS = 4;
    /** The consumer's default KCL application name (its lease table). */
    public static final String DEFAULT_KCL_APPLICATION = "vigil-consumer";

    public LocalAwsConfig {
        checkPort(kinesisPort, "kinesisPort");
        checkPort(dynamoDbPort, "dynamoDbPort");
        if (shardCount < 1 || shardCount > 200) {
            throw new IllegalArgumentException("shardCount must be 1..200, was " + shardCount);
        }
        if (streamName == null || streamName.isBlank()) {
            throw new IllegalArgumentException("streamName must not be blank");
        }
        if (tablePrefix == null) {
            throw new IllegalArgumentException("tablePrefix must not be null");
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive");
        }
        kclApplications = List.copyOf(kclApplications);
    }

    /** Free ports, 4 shards, default names: what tests want. */
    public static LocalAwsConfig defaults() {
        return new LocalAwsConfig(
                0, 0, DEFAULT_SHARDS, DEFAULT_STREAM, Tables.DEFAULT_PREFIX, true, null, Duration.ofSeconds(60),
                List.of(DEFAULT_KCL_APPLICATION));
    }

    public LocalAwsConfig withPorts(int kinesis, int dynamoDb) {
        return new LocalAwsConfig(
                kinesis, dynamoDb, shardCount, streamName, tablePrefix, startKinesis, kinesaliteHome,
                startTimeout, kclApplications);
    }

    public LocalAwsConfig withShardCount(int shards) {
        return new LocalAwsConfig(
                kinesisPort, dynamoDbPort, shards, streamName, tablePrefix, startKinesis, kinesaliteHome,
                startTimeout, kclApplications);
    }

    public LocalAwsConfig withoutKinesis() {
        return new LocalAwsConfig(
                kinesisPort, dynamoDbPort, shardCount, streamName, tablePrefix, false, kinesaliteHome,
                startTimeout, kclApplications);
    }

    public LocalAwsConfig withStreamName(String name) {
        return new LocalAwsConfig(kinesisPort, dynamoDbPort, shardCount, name, tablePrefix, startKinesis,
                kinesaliteHome,
                startTimeout, kclApplications);
    }

    public LocalAwsConfig withKinesaliteHome(Path home) {
        return new LocalAwsConfig(kinesisPort, dynamoDbPort, shardCount, streamName, tablePrefix, startKinesis,
                home,
                startTimeout, kclApplications);
    }

    private static void checkPort(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0..65535, was " + port);
        }
    }
}
