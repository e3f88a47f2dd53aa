package vigil.consumer;

import java.time.Duration;
import java.util.Map;

/**
 * Operational options of the consumer, separate from {@link ConsumerConfig} (what to consume and where): the
 * metrics and health port, and the benchmark's comparison mode.
 *
 * @param metricsHost      interface of the metrics and health port ({@code VIGIL_METRICS_HOST}, default 127.0.0.1:
 *                         the port has no authentication; in a container set 0.0.0.0 and restrict it by network)
 * @param metricsPort      port of {@code /metrics} and {@code /health/*} ({@code VIGIL_METRICS_PORT}, default 9464;
 *                         0: any free port; -1: off)
 * @param flushEveryRecord {@code VIGIL_STATE_WRITES=per-record}: make effects durable after every record, one state
 *                         write per record (the benchmark's comparison configuration); default {@code per-batch}
 * @param journalInterval  a changed device's recovery journal chunk is written this long after its first change
 *                         ({@code VIGIL_JOURNAL_INTERVAL_MS}, default 20000, 1000..120000): the checkpoint trails
 *                         by about this much, and a new owner of a shard re-reads about this much of it
 *                         (docs/consumer.md, "Recovery journal")
 */
public record ConsumerOptions(String metricsHost, int metricsPort, boolean flushEveryRecord, Duration journalInterval) {
    public static final String DEFAULT_METRICS_HOST = "127.0.0.1";
    public static final int DEFAULT_METRICS_PORT = 9464;
    public static final Duration DEFAULT_JOURNAL_INTERVAL = Duration.ofSeconds(20);

    public ConsumerOptions {
        if (metricsHost == null || metricsHost.isBlank()) {
            throw new IllegalArgumentException("VIGIL_METRICS_HOST must not be blank");
        }
        if (metricsPort < -1 || metricsPort > 65_535) {
            throw new IllegalArgumentException("VIGIL_METRICS_PORT must be -1 (off), 0 (any) or 1..65535");
        }
        if (journalInterval == null || journalInterval.toMillis() < 1_000 || journalInterval.toMillis() > 120_000) {
            throw new IllegalArgumentException("VIGIL_JOURNAL_INTERVAL_MS must be 1000..120000");
        }
    }

    public ConsumerOptions(String metricsHost, int metricsPort, boolean flushEveryRecord) {
        this(metricsHost, metricsPort, flushEveryRecord, DEFAULT_JOURNAL_INTERVAL);
    }

    /** No metrics port, one write per batch: what {@link VigilConsumer#start} used before these options. */
    public static ConsumerOptions none() {
        return new ConsumerOptions(DEFAULT_METRICS_HOST, -1, false);
    }

    public boolean metricsEnabled() {
        return metricsPort >= 0;
    }

    public static ConsumerOptions fromEnv(Map<String, String> env) {
        String writes = env.getOrDefault("VIGIL_STATE_WRITES", "per-batch").trim();
        if (!writes.equals("per-batch") && !writes.equals("per-record")) {
            throw new IllegalArgumentException("VIGIL_STATE_WRITES must be per-batch or per-record, was " + writes);
        }
        String port = env.getOrDefault("VIGIL_METRICS_PORT", Integer.toString(DEFAULT_METRICS_PORT)).trim();
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("VIGIL_METRICS_PORT must be a whole number, was '" + port + "'", e);
        }
        String journal = env.getOrDefault("VIGIL_JOURNAL_INTERVAL_MS",
                Long.toString(DEFAULT_JOURNAL_INTERVAL.toMillis())).trim();
        long journalMillis;
        try {
            journalMillis = Long.parseLong(journal);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "VIGIL_JOURNAL_INTERVAL_MS must be a whole number, was '" + journal + "'", e);
        }
        return new ConsumerOptions(env.getOrDefault("VIGIL_METRICS_HOST", DEFAULT_METRICS_HOST), p,
                writes.equals("per-record"), Duration.ofMillis(journalMillis));
    }

    public static String help() {
        return String.join("\n",
                "  VIGIL_METRICS_HOST         interface of the metrics/health port (default 127.0.0.1; no auth)",
                "  VIGIL_METRICS_PORT         /metrics (Prometheus), /health/live, /health/ready (default 9464;"
                        + " 0 any, -1 off)",
                "  VIGIL_STATE_WRITES         per-batch (default) or per-record (benchmark comparison only)",
                "  VIGIL_JOURNAL_INTERVAL_MS  recovery journal chunk of a changed device after this long (default"
                        + " 20000; 1000..120000): the checkpoint trails by about this much");
    }
}
