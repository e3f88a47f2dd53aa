package vigil.consumer;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import vigil.schema.Tables;

/**
 * Consumer configuration, read from environment variables ({@link #fromEnv}). Every value is checked; a bad one
 * fails start-up with a message naming the variable.
 *
 * @param streamName          Kinesis stream ({@code VIGIL_STREAM}, default {@code vigil-telemetry})
 * @param applicationName     KCL application name, also the lease table name ({@code VIGIL_APP_NAME})
 * @param region              AWS region ({@code VIGIL_REGION} or {@code AWS_REGION}, default us-east-1)
 * @param kinesisEndpoint     endpoint override for Kinesis, e.g. a local emulator ({@code VIGIL_KINESIS_ENDPOINT})
 * @param dynamoDbEndpoint    endpoint override for DynamoDB ({@code VIGIL_DYNAMODB_ENDPOINT})
 * @param tablePrefix         prefix of Vigil's table names ({@code VIGIL_TABLE_PREFIX}, default {@code vigil-})
 * @param initialPosition     where a shard without checkpoint starts ({@code VIGIL_INITIAL_POSITION}:
 *                            TRIM_HORIZON, the default, so that nothing retained is skipped; or LATEST)
 * @param pollInterval        time between GetRecords calls per shard ({@code VIGIL_POLL_INTERVAL_MS}, default
 *                            200, KCL's minimum; down to 20 with a custom sleep controller, for emulators only)
 * @param maxRecordsPerPoll   records per GetRecords call ({@code VIGIL_MAX_RECORDS}, default 1000, max 10000)
 * @param failoverTime        KCL lease failover time ({@code VIGIL_FAILOVER_MS}, default 3000; KCL's is 10000)
 * @param workerId            KCL worker identifier ({@code VIGIL_WORKER_ID}, default a random one)
 * @param stateFlushInterval  the checkpoint moves at most once per this interval ({@code VIGIL_CHECKPOINT_INTERVAL_MS},
 *                            default 1000; each move is a lease-table write). Device states are written by the
 *                            per-device throttle, at most once a second each (docs/consumer.md)
 * @param quarantineTtl       how long quarantined records are kept ({@code VIGIL_QUARANTINE_TTL_DAYS}, default 14)
 */
public record ConsumerConfig(
        String streamName,
        String applicationName,
        String region,
        URI kinesisEndpoint,
        URI dynamoDbEndpoint,
        String tablePrefix,
        String initialPosition,
        Duration pollInterval,
        int maxRecordsPerPoll,
        Duration failoverTime,
        String workerId,
        Duration quarantineTtl,
        Duration stateFlushInterval,
        LeaseTuning leaseTuning,
        Retrieval retrieval) {

    /**
     * How records reach the shard processors ({@code VIGIL_RETRIEVAL}): {@link #POLLING} (GetRecords every
     * {@code pollInterval}, the default, and the only one the local emulator serves) or {@link #FANOUT} (enhanced
     * fan-out: SubscribeToShard pushes records, about 70 ms, 2 MB/s per shard for this application alone; real
     * Kinesis only; docs/observability.md).
     */
    public enum Retrieval {
        POLLING,
        FANOUT
    }

    /** As the canonical constructor, with polling retrieval. */
    public ConsumerConfig(String streamName, String applicationName, String region, URI kinesisEndpoint,
            URI dynamoDbEndpoint, String tablePrefix, String initialPosition, Duration pollInterval,
            int maxRecordsPerPoll, Duration failoverTime, String workerId, Duration quarantineTtl,
            Duration stateFlushInterval, LeaseTuning leaseTuning) {
        this(streamName, applicationName, region, kinesisEndpoint, dynamoDbEndpoint, tablePrefix, initialPosition,
                pollInterval, maxRecordsPerPoll, failoverTime, workerId, quarantineTtl, stateFlushInterval,
                leaseTuning, Retrieval.POLLING);
    }

    /**
     * KCL lease settings beyond the failover time (docs/consumer.md, "Takeover after a worker dies"). The default
     * is {@link #SHORT}, measured at 7.5-10.4 s from a SIGKILL to every shard processing again; what it costs in
     * lease-table requests is in docs/consumer.md, "What the short lease settings cost".
     *
     * @param countBasedAssignment true: KCL's lease-count assignment strategy (even lease counts), false: its
     *     default, worker-utilization aware
     * @param assignmentInterval how often the leader assigns expired and unassigned leases; null: KCL's default,
     *     2 x failover time
     * @param leaderLeaseDuration how long a dead leader keeps the leadership lock (its heartbeat is a third of it);
     *     null: KCL's default (120 s, heartbeat 30 s)
     * @param workerReportInterval how often each worker reports its liveness (worker metric stats); the leader
     *     treats a worker as dead, and stops assigning leases to it, after two intervals without a report; null:
     *     KCL's default (30 s, so a dead worker keeps being assigned leases for up to a minute)
     */
    public record LeaseTuning(
            boolean countBasedAssignment,
            Duration assignmentInterval,
            Duration leaderLeaseDuration,
            Duration workerReportInterval) {
        /** KCL 3.5.1's own defaults: worker-utilization aware, 2 x failover, 120 s, 30 s. */
        public static final LeaseTuning KCL_DEFAULTS = new LeaseTuning(false, null, null, null);
        /** Vigil's default, with {@link #DEFAULT_FAILOVER}: lease-count assignment every 1 s, leader lease 6 s,
         * worker reports every 2 s. */
        public static final LeaseTuning SHORT =
                new LeaseTuning(true, Duration.ofSeconds(1), Duration.ofSeconds(6), Duration.ofSeconds(2));
    }

    /** Default lease failover time (KCL's is 10 s); with {@link LeaseTuning#SHORT}. */
    public static final Duration DEFAULT_FAILOVER = Duration.ofSeconds(3);

    public static final String DEFAULT_STREAM = "vigil-telemetry";
    public static final String DEFAULT_APPLICATION = "vigil-consumer";
    /** Lowest poll interval; below 200 ms (KCL's floor) only for emulators: Kinesis allows 5 reads/s per shard. */
    public static final long MIN_POLL_INTERVAL_MILLIS = 20;

    public ConsumerConfig {
        require(streamName != null && !streamName.isBlank(), "VIGIL_STREAM must not be blank");
        require(applicationName != null && !applicationName.isBlank(), "VIGIL_APP_NAME must not be blank");
        require(region != null && !region.isBlank(), "VIGIL_REGION must not be blank");
        require(tablePrefix != null, "VIGIL_TABLE_PREFIX must not be null");
        require("TRIM_HORIZON".equals(initialPosition) || "LATEST".equals(initialPosition),
                "VIGIL_INITIAL_POSITION must be TRIM_HORIZON or LATEST, was " + initialPosition);
        // Below KCL's 200 ms floor a custom SleepTimeController takes over (local stacks; real Kinesis throttles).
        require(pollInterval.toMillis() >= MIN_POLL_INTERVAL_MILLIS,
                "VIGIL_POLL_INTERVAL_MS must be >= " + MIN_POLL_INTERVAL_MILLIS);
        // alerts-v1.md: DEVICE_OFFLINE is checked at least every 5 s per shard; the check runs on every poll.
        require(pollInterval.toMillis() <= 5_000, "VIGIL_POLL_INTERVAL_MS must be <= 5000 (offline checks)");
        require(maxRecordsPerPoll >= 1 && maxRecordsPerPoll <= 10_000, "VIGIL_MAX_RECORDS must be 1..10000");
        require(failoverTime.toMillis() >= 1_000, "VIGIL_FAILOVER_MS must be >= 1000");
        require(workerId != null && !workerId.isBlank(), "VIGIL_WORKER_ID must not be blank");
        require(!stateFlushInterval.isNegative() && stateFlushInterval.toMillis() <= 60_000,
                "VIGIL_CHECKPOINT_INTERVAL_MS must be 0..60000");
        require(!quarantineTtl.isNegative() && !quarantineTtl.isZero(), "VIGIL_QUARANTINE_TTL_DAYS must be >= 1");
        leaseTuning = leaseTuning == null ? LeaseTuning.SHORT : leaseTuning;
        retrieval = retrieval == null ? Retrieval.POLLING : retrieval;
        require(retrieval == Retrieval.POLLING || kinesisEndpoint == null, "VIGIL_RETRIEVAL=FANOUT needs real"
                + " Kinesis: the local emulator has no SubscribeToShard (unset VIGIL_KINESIS_ENDPOINT, or use POLLING)");
    }

    /** Defaults for a local stack at the given endpoints: the same lease settings as a deployment. */
    public static ConsumerConfig local(URI kinesisEndpoint, URI dynamoDbEndpoint, String streamName, String prefix) {
        return new ConsumerConfig(streamName, DEFAULT_APPLICATION, "us-east-1", kinesisEndpoint, dynamoDbEndpoint,
                prefix, "TRIM_HORIZON", Duration.ofMillis(200), 1000, DEFAULT_FAILOVER, randomWorkerId(),
                Duration.ofDays(14), Duration.ofSeconds(1), LeaseTuning.SHORT);
    }

    public ConsumerConfig withApplicationName(String name) {
        return new ConsumerConfig(streamName, name, region, kinesisEndpoint, dynamoDbEndpoint, tablePrefix,
                initialPosition, pollInterval, maxRecordsPerPoll, failoverTime, workerId, quarantineTtl,
                stateFlushInterval, leaseTuning, retrieval);
    }

    /** Reads the configuration; throws {@link IllegalArgumentException} naming the bad variable. */
    public static ConsumerConfig fromEnv(Map<String, String> env) {
        require(!env.containsKey("VIGIL_STATE_FLUSH_MS"), "VIGIL_STATE_FLUSH_MS is gone: device states are now"
                + " written by a per-device throttle (at most once a second); set VIGIL_CHECKPOINT_INTERVAL_MS for"
                + " the checkpoint interval");
        return new ConsumerConfig(
                env.getOrDefault("VIGIL_STREAM", DEFAULT_STREAM),
                env.getOrDefault("VIGIL_APP_NAME", DEFAULT_APPLICATION),
                env.getOrDefault("VIGIL_REGION", env.getOrDefault("AWS_REGION", "us-east-1")),
                uri(env, "VIGIL_KINESIS_ENDPOINT"),
                uri(env, "VIGIL_DYNAMODB_ENDPOINT"),
                env.getOrDefault("VIGIL_TABLE_PREFIX", Tables.DEFAULT_PREFIX),
                env.getOrDefault("VIGIL_INITIAL_POSITION", "TRIM_HORIZON"),
                Duration.ofMillis(number(env, "VIGIL_POLL_INTERVAL_MS", 200)),
                (int) number(env, "VIGIL_MAX_RECORDS", 1000),
                Duration.ofMillis(number(env, "VIGIL_FAILOVER_MS", DEFAULT_FAILOVER.toMillis())),
                env.getOrDefault("VIGIL_WORKER_ID", randomWorkerId()),
                Duration.ofDays(number(env, "VIGIL_QUARANTINE_TTL_DAYS", 14)),
                Duration.ofMillis(number(env, "VIGIL_CHECKPOINT_INTERVAL_MS", 1000)),
                new LeaseTuning(
                        countBased(env.getOrDefault("VIGIL_LEASE_ASSIGNMENT", "LEASE_COUNT_BASED")),
                        optionalMillis(env, "VIGIL_LEASE_ASSIGNMENT_INTERVAL_MS",
                                LeaseTuning.SHORT.assignmentInterval()),
                        optionalMillis(env, "VIGIL_LEADER_LEASE_MS", LeaseTuning.SHORT.leaderLeaseDuration()),
                        optionalMillis(env, "VIGIL_WORKER_REPORT_MS", LeaseTuning.SHORT.workerReportInterval())),
                retrieval(env.getOrDefault("VIGIL_RETRIEVAL", "POLLING")));
    }

    private static Retrieval retrieval(String value) {
        try {
            return Retrieval.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("VIGIL_RETRIEVAL must be POLLING or FANOUT, was " + value);
        }
    }

    /** Help text listing every variable, for {@code --help}. */
    public static String help() {
        return String.join("\n",
                "Environment variables (all optional):",
                "  VIGIL_STREAM               Kinesis stream name (default " + DEFAULT_STREAM + ")",
                "  VIGIL_APP_NAME             KCL application name = lease table name (default "
                        + DEFAULT_APPLICATION + ")",
                "  VIGIL_REGION / AWS_REGION  AWS region (default us-east-1)",
                "  VIGIL_KINESIS_ENDPOINT     Kinesis endpoint override, e.g. http://127.0.0.1:4567 (local emulator)",
                "  VIGIL_DYNAMODB_ENDPOINT    DynamoDB endpoint override, e.g. http://127.0.0.1:8000",
                "  VIGIL_TABLE_PREFIX         prefix of Vigil's table names (default " + Tables.DEFAULT_PREFIX + ")",
                "  VIGIL_INITIAL_POSITION     TRIM_HORIZON (default) or LATEST, for shards without checkpoint",
                "  VIGIL_POLL_INTERVAL_MS     time between GetRecords calls per shard, >= 20 (default 200; below 200",
                "                             only against an emulator: Kinesis allows 5 GetRecords/s per shard)",
                "  VIGIL_MAX_RECORDS          records per GetRecords call, 1..10000 (default 1000)",
                "  VIGIL_FAILOVER_MS          KCL lease failover time (default 3000; KCL's 10000)",
                "  VIGIL_WORKER_ID            KCL worker id (default: random)",
                "  VIGIL_QUARANTINE_TTL_DAYS  days rejected records are kept (default 14)",
                "  VIGIL_CHECKPOINT_INTERVAL_MS the checkpoint moves at most once per this (default 1000)",
                "  VIGIL_RETRIEVAL            POLLING (default; GetRecords every VIGIL_POLL_INTERVAL_MS) or FANOUT",
                "                             (enhanced fan-out, pushed records, real Kinesis only; docs/observability.md)",
                "  VIGIL_LEASE_ASSIGNMENT     KCL lease assignment: LEASE_COUNT_BASED (default) or",
                "                             WORKER_UTILIZATION_AWARE (KCL's default)",
                "  VIGIL_LEASE_ASSIGNMENT_INTERVAL_MS  leader's lease assignment interval (default 1000; 'kcl':",
                "                             KCL's, 2 x failover)",
                "  VIGIL_LEADER_LEASE_MS      KCL leader lock lease duration, heartbeat a third of it (default 6000;",
                "                             'kcl': KCL's, 120000)",
                "  VIGIL_WORKER_REPORT_MS     KCL worker liveness report interval (default 2000; 'kcl': KCL's, 30000)",
                "  The lease defaults take over a dead worker's shards in about 8-10 s; they cost about one",
                "  lease-table write per held lease per second plus a few per worker (docs/consumer.md).",
                "Credentials come from the AWS default provider chain (environment, profile, container role).");
    }

    private static String randomWorkerId() {
        return "vigil-" + UUID.randomUUID();
    }

    public ConsumerConfig withLeaseTuning(Duration failover, LeaseTuning tuning) {
        return new ConsumerConfig(streamName, applicationName, region, kinesisEndpoint, dynamoDbEndpoint, tablePrefix,
                initialPosition, pollInterval, maxRecordsPerPoll, failover, workerId, quarantineTtl,
                stateFlushInterval, tuning, retrieval);
    }

    public ConsumerConfig withWorkerId(String id) {
        return new ConsumerConfig(streamName, applicationName, region, kinesisEndpoint, dynamoDbEndpoint, tablePrefix,
                initialPosition, pollInterval, maxRecordsPerPoll, failoverTime, id, quarantineTtl,
                stateFlushInterval, leaseTuning, retrieval);
    }

    /** The variable in millis; unset: {@code defaultValue}; {@code kcl}: null, i.e. KCL's own default. */
    private static Duration optionalMillis(Map<String, String> env, String name, Duration defaultValue) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        if (v.trim().equalsIgnoreCase("kcl")) {
            return null;
        }
        long millis = number(env, name, 0);
        require(millis >= 100, name + " must be >= 100 (or 'kcl'), was " + v);
        return Duration.ofMillis(millis);
    }

    private static boolean countBased(String assignment) {
        require("LEASE_COUNT_BASED".equals(assignment) || "WORKER_UTILIZATION_AWARE".equals(assignment),
                "VIGIL_LEASE_ASSIGNMENT must be LEASE_COUNT_BASED or WORKER_UTILIZATION_AWARE, was " + assignment);
        return "LEASE_COUNT_BASED".equals(assignment);
    }

    private static URI uri(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(v);
            require(uri.getScheme() != null && uri.getHost() != null, name + " must be a URL like http://host:port");
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a valid URL: " + v, e);
        }
    }

    private static long number(Map<String, String> env, String name, long defaultValue) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'", e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
