package vigil.consumer;

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
 */
public record ConsumerOptions(String metricsHost, int metricsPort, boolean flushEveryRecord) {
    public static final String DEFAULT_METRICS_HOST = "127.0.0.1";
    public static final int DEFAULT_METRICS_PORT = 9464;

    public ConsumerOptions {
        if (metricsHost == null || metricsHost.isBlank()) {
            throw new IllegalArgumentException("VIGIL_METRICS_HOST must not be blank");
        }
        if (metricsPort < -1 || metricsPort > 65_535) {
            throw new IllegalArgumentException("VIGIL_METRICS_PORT must be -1 (off), 0 (any) or 1..65535");
        }
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
        return new ConsumerOptions(env.getOrDefault("VIGIL_METRICS_HOST", DEFAULT_METRICS_HOST), p,
                writes.equals("per-record"));
    }

    public static String help() {
        return String.join("\n",
                "  VIGIL_METRICS_HOST         interface of the metrics/health port (default 127.0.0.1; no auth)",
                "  VIGIL_METRICS_PORT         /metrics (Prometheus), /health/live, /health/ready (default 9464;"
                        + " 0 any, -1 off)",
                "  VIGIL_STATE_WRITES         per-batch (default) or per-record (benchmark comparison only)");
    }
}
