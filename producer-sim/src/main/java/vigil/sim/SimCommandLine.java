package vigil.sim;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vigil.sim.publish.PublisherConfig;
import vigil.sim.scenario.ScenarioLoader;

/**
 * The parsed command line of {@link SimMain}: what to simulate ({@link SimConfig}) plus where to send it.
 *
 * @param config              the simulation
 * @param streamName          Kinesis stream
 * @param kinesisEndpoint     endpoint override (e.g. a local emulator), or {@code null} for the region's endpoint
 * @param region              AWS region name
 * @param outFile             JSON-lines file to write instead of Kinesis, or {@code null}
 * @param maxInFlightRequests concurrent PutRecords calls
 * @param progressInterval    period of the progress line on stderr
 * @param help                {@code --help} was given; nothing else is meaningful
 * @param scenario            ready-made scenario name or scenario file, or {@code null}
 * @param fast                run in virtual time, as fast as possible (file output only)
 * @param start               device time of the first record on the simulation's clock, or {@code null}: the
 *                            scenario's start (default 2026-11-22T08:00:00Z) for files, the wall clock at start
 *                            for Kinesis
 * @param apiUrl              dashboard API whose settings the devices poll, or {@code null} for no settings loop
 * @param seedGiven           {@code --seed} was given (overrides a scenario's seed)
 * @param durationGiven       {@code --duration} was given (overrides a scenario's duration)
 * @param aggregate           pack records into KPL-aggregated Kinesis records, per shard
 * @param maxAggregateBytes   bytes of user records per aggregated record
 * @param arrivalTimes        with {@code --out}: wrapper lines with each record's send time as {@code arrivalMs}
 */
public record SimCommandLine(
        SimConfig config,
        String streamName,
        URI kinesisEndpoint,
        String region,
        Path outFile,
        int maxInFlightRequests,
        Duration progressInterval,
        boolean help,
        String scenario,
        boolean fast,
        Instant start,
        URI apiUrl,
        boolean seedGiven,
        boolean durationGiven,
        boolean aggregate,
        int maxAggregateBytes,
        boolean arrivalTimes) {

    /** Environment variable holding the collector token for the settings loop (never an option: ps shows those). */
    public static final String TOKEN_ENV = "VIGIL_COLLECTOR_TOKEN";

    public static final String DEFAULT_STREAM = "vigil-telemetry";
    public static final String DEFAULT_REGION = "us-east-1";
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    public static final String USAGE = String.join("\n",
            "Usage: producer-sim [options]",
            "Simulates infusion pumps and dialysis machines and sends telemetry-v1 records to Kinesis",
            "(partition key = deviceId, per-device order kept) or to a JSON-lines file.",
            "",
            "Scenario",
            "  --scenario NAME|FILE   run a scenario: devices, interval, care units and faults at times, from a",
            "                         YAML/JSON file or a ready-made one (docs/scenarios.md):",
            "                         " + String.join(", ", ScenarioLoader.BUILT_IN.subList(0, 5)) + ",",
            "                         " + String.join(", ", ScenarioLoader.BUILT_IN.subList(5, 10)) + ",",
            "                         " + String.join(", ", ScenarioLoader.BUILT_IN.subList(10, 15)) + ",",
            "                         " + String.join(", ", ScenarioLoader.BUILT_IN.subList(15, 16)),
            "                         Not with --pumps, --dialysis, --care-units, --rate, --interval, --records;",
            "                         --seed and --duration override the scenario's",
            "  --fast                 with --out: run in simulated time as fast as possible (same records)",
            "  --start TIME           device time of the first record, ISO-8601 (e.g. 2026-11-22T08:00:00Z);",
            "                         default: the scenario's start for --out, the current time for Kinesis",
            "",
            "Settings loop",
            "  --api URL              dashboard API, e.g. http://127.0.0.1:8080: the scenario's settings devices",
            "                         (all devices without a scenario) poll their settings with If-None-Match,",
            "                         apply the calibration and report settingsVersion. The collector token is",
            "                         read from the environment variable " + TOKEN_ENV,
            "",
            "Devices and data",
            "  --pumps N              infusion pumps PUMP-0001.. (default 8)",
            "  --dialysis N           dialysis machines DIAL-0001.. (default 4)",
            "  --care-units A,B,C     care units the devices are spread over, round robin",
            "                         (default ICU-4A,WARD-3B,DIALYSIS-2; '' for none)",
            "  --collector-id ID      collectorId on every record (default SIM-EDGE-01)",
            "  --seed S               seed of the device models; same seed, same data (default 1)",
            "  --start-seq N          seq of each device's first record, to continue an earlier run (default 0)",
            "",
            "Rate and length (the run stops by itself at the first limit reached)",
            "  --rate R               records per second over all devices (default 20)",
            "  --interval D           alternative to --rate: each device sends every D; rate = devices / D",
            "  --duration D           stop after D, e.g. 90s, 5m, 1h, 500ms, PT2M (default 60s unless --records)",
            "  --records N            stop after N records (default: no count limit)",
            "  --catch-up D           start with a backlog: the first record's device time is D before now; the",
            "                         records of those D (at --rate) go out as fast as Kinesis takes them, then the",
            "                         run continues in real time. Fills a consumer's 10-minute windows quickly",
            "                         (e.g. --interval 1s --catch-up 11m). Per device ts still rises; none is in",
            "                         the future. --duration counts from the start, not from the backlog",
            "                         (default: none; at most 24h; Kinesis output only, not with --start)",
            "",
            "Output",
            "  --stream NAME          Kinesis stream (default vigil-telemetry)",
            "  --kinesis-endpoint URL Kinesis endpoint, e.g. a local emulator on http://127.0.0.1:4567",
            "                         (default: the region's AWS endpoint; loopback URLs use dummy credentials)",
            "  --region R             AWS region (default us-east-1)",
            "  --max-in-flight N      concurrent PutRecords calls, 1..64 (default 8)",
            "  --aggregate            pack records into KPL-aggregated Kinesis records, one aggregate per shard",
            "                         (KCL de-aggregates them; default: one Kinesis record per telemetry record)",
            "  --aggregate-max-bytes N",
            "                         bytes of records per aggregated Kinesis record, "
                    + PublisherConfig.MIN_AGGREGATE_BYTES + ".." + PublisherConfig.MAX_AGGREGATE_BYTES,
            "                         (default " + PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES
                    + ", as the KPL); needs --aggregate",
            "  --out FILE             write JSON lines (one encoded record per line) to FILE instead of Kinesis;",
            "                         device time then comes from the simulation's own clock (deterministic)",
            "  --arrival-times        with --out: each line {\"arrivalMs\":T,\"payload\":{record}}, T the send time",
            "                         on the simulation's clock (held-back and resent records keep their ts), for",
            "                         replay with the arrivals the collector produced (docs/scenarios.md, Replay)",
            "",
            "Other",
            "  --progress D           period of the progress line on stderr (default 5s)",
            "  --help                 this text",
            "",
            "Ctrl-C stops generating, sends what is queued and exits. Exit status: 0 all records delivered,",
            "1 some records could not be delivered, 2 bad options.",
            "");

    /** A bad command line; the message says which option and why. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** Parses {@code args}; every option takes one value except {@code --help}. */
    public static SimCommandLine parse(String... args) throws UsageException {
        SimConfig defaults = SimConfig.defaults();
        int pumps = defaults.pumps();
        int dialysis = defaults.dialysisMachines();
        Double rate = null;
        Duration interval = null;
        Duration duration = null;
        long records = 0;
        long seed = defaults.seed();
        long startSeq = 0;
        List<String> careUnits = defaults.careUnits();
        String collectorId = defaults.collectorId();
        String stream = DEFAULT_STREAM;
        URI endpoint = null;
        String region = DEFAULT_REGION;
        Path out = null;
        int maxInFlight = PublisherConfig.defaults(DEFAULT_STREAM).maxInFlightRequests();
        Duration progress = Duration.ofSeconds(5);
        String scenario = null;
        boolean fast = false;
        Instant start = null;
        URI api = null;
        boolean seedGiven = false;
        boolean aggregate = false;
        boolean arrivalTimes = false;
        Integer maxAggregateBytes = null;
        Duration catchUp = Duration.ZERO;
        String deviceOption = null; // an option that a scenario replaces
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                return new SimCommandLine(defaults, stream, null, region, null, maxInFlight, progress, true, null,
                        false, null, null, false, false, false, PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES, false);
            }
            if (option.equals("--fast")) {
                fast = true;
                continue;
            }
            if (option.equals("--aggregate")) {
                aggregate = true;
                continue;
            }
            if (option.equals("--arrival-times")) {
                arrivalTimes = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new UsageException(option.startsWith("--")
                        ? option + " needs a value" : "unexpected argument '" + option + "'");
            }
            String value = args[++i];
            if (List.of("--pumps", "--dialysis", "--care-units", "--rate", "--interval", "--records")
                    .contains(option)) {
                deviceOption = option;
            }
            switch (option) {
                case "--scenario" -> scenario = value;
                case "--start" -> start = instant(option, value);
                case "--api" -> api = endpoint(option, value);
                case "--pumps" -> pumps = (int) longValue(option, value, 0, SimConfig.MAX_DEVICES);
                case "--dialysis" -> dialysis = (int) longValue(option, value, 0, SimConfig.MAX_DEVICES);
                case "--rate" -> rate = positiveDouble(option, value);
                case "--interval" -> interval = duration(option, value);
                case "--duration" -> duration = duration(option, value);
                case "--records" -> records = longValue(option, value, 1, Long.MAX_VALUE);
                case "--catch-up" -> catchUp = duration(option, value);
                case "--seed" -> {
                    seed = longValue(option, value, Long.MIN_VALUE, Long.MAX_VALUE);
                    seedGiven = true;
                }
                case "--start-seq" -> startSeq = longValue(option, value, 0, SimConfig.MAX_SEQ);
                case "--care-units" -> careUnits = value.isBlank() ? List.of()
                        : Arrays.stream(value.split(",", -1)).map(String::trim).toList();
                case "--collector-id" -> collectorId = value;
                case "--stream" -> stream = value;
                case "--kinesis-endpoint" -> endpoint = endpoint(option, value);
                case "--region" -> region = value;
                case "--out" -> out = Path.of(value);
                case "--max-in-flight" -> maxInFlight = (int) longValue(option, value, 1, 64);
                case "--aggregate-max-bytes" -> maxAggregateBytes = (int) longValue(option, value,
                        PublisherConfig.MIN_AGGREGATE_BYTES, PublisherConfig.MAX_AGGREGATE_BYTES);
                case "--progress" -> progress = duration(option, value);
                default -> throw new UsageException("unknown option '" + option + "'");
            }
        }
        if (scenario != null && deviceOption != null) {
            throw new UsageException(deviceOption + " cannot be used with --scenario (the scenario sets it)");
        }
        if (fast && out == null) {
            throw new UsageException("--fast needs --out (Kinesis runs in real time)");
        }
        if (arrivalTimes && out == null) {
            throw new UsageException("--arrival-times needs --out (Kinesis sets its own arrival times)");
        }
        if (aggregate && out != null) {
            throw new UsageException("--aggregate is for Kinesis output, not --out (a file holds one record a line)");
        }
        if (!catchUp.isZero() && (out != null || start != null)) {
            throw new UsageException("--catch-up is for Kinesis output in real time, not with "
                    + (out != null ? "--out" : "--start"));
        }
        if (maxAggregateBytes != null && !aggregate) {
            throw new UsageException("--aggregate-max-bytes needs --aggregate");
        }
        boolean durationGiven = duration != null;
        if (rate != null && interval != null) {
            throw new UsageException("give --rate or --interval, not both");
        }
        if (pumps + dialysis < 1) {
            throw new UsageException("need at least one device (--pumps, --dialysis)");
        }
        double recordsPerSecond = rate != null ? rate
                : interval != null ? (pumps + dialysis) * 1e9 / interval.toNanos()
                : defaults.recordsPerSecond();
        if (duration == null && records == 0) {
            duration = DEFAULT_DURATION;
        }
        if (stream.isBlank()) {
            throw new UsageException("--stream must not be empty");
        }
        try {
            SimConfig config = new SimConfig(pumps, dialysis, recordsPerSecond, duration, records, seed, careUnits,
                    collectorId, startSeq, defaults.flushTimeout(), catchUp);
            return new SimCommandLine(config, stream, endpoint, region, out, maxInFlight, progress, false, scenario,
                    fast, start, api, seedGiven, durationGiven, aggregate,
                    maxAggregateBytes == null ? PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES : maxAggregateBytes,
                    arrivalTimes);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms}, a bare number of seconds, or ISO-8601 {@code PT2M}. */
    static Duration duration(String option, String value) throws UsageException {
        Duration d;
        Matcher m = SIMPLE_DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m" -> amount * 60_000;
                default -> amount * 3_600_000;
            };
            d = Duration.ofNanos((long) (millis * 1_000_000));
        } else {
            try {
                d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new UsageException(option + ": '" + value + "' is not a duration (e.g. 500ms, 90s, 5m, 1h)");
            }
        }
        if (d.isZero() || d.isNegative()) {
            throw new UsageException(option + " must be positive, was '" + value + "'");
        }
        return d;
    }

    private static Instant instant(String option, String value) throws UsageException {
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new UsageException(option + ": '" + value + "' is not an ISO-8601 UTC time (2026-11-22T08:00:00Z)");
        }
    }

    private static long longValue(String option, String value, long min, long max) throws UsageException {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + value + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new UsageException(option + " must be " + min + ".." + max + ", was " + n);
        }
        return n;
    }

    private static double positiveDouble(String option, String value) throws UsageException {
        double d;
        try {
            d = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + value + "' is not a number");
        }
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new UsageException(option + " must be a positive number, was '" + value + "'");
        }
        return d;
    }

    private static URI endpoint(String option, String value) throws UsageException {
        try {
            URI uri = URI.create(value.trim());
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": '" + value + "' is not an http(s) URL");
        }
    }
}
