package vigil.demo.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import vigil.consumer.metrics.MetricsServer;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.sim.SimConfig;
import vigil.sim.Simulation;
import vigil.sim.publish.KinesisPublisher;
import vigil.sim.publish.PublisherConfig;

/**
 * {@code ./vigil bench}: the end-to-end benchmark in steady state. Per configuration: a fresh local stack
 * (kinesalite, DynamoDB Local), the consumer in a child JVM (so that its CPU and heap are its own) with its metrics
 * port on loopback, the simulator in this JVM. Priming fills the consumer's 10-minute windows by catch-up: the
 * simulator starts its devices' device time {@code --prime} seconds in the past and sends that backlog as fast as the
 * stack takes it ({@link SimConfig#catchUp()}), until the consumer has read it all. Then per rate: warm up, then
 * measure from two snapshots of the consumer's counters and cumulative latency histograms ({@code /metrics},
 * {@code /metrics/latency/*}). Every figure carries the state it was taken in ({@link State}). Writes the report and
 * the plots.
 */
public final class BenchMain {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** The consumer's longest window (flow accuracy, acid use, battery): 10 minutes of device time. */
    static final double WINDOW_SECONDS = 600;
    /** Kept up: sustained >= this share of offered, and the backlog read within {@link #KEPT_UP_DRAIN_SECONDS}. */
    static final double KEPT_UP_SHARE = 0.95;
    static final double KEPT_UP_DRAIN_SECONDS = 5;

    private BenchMain() {}

    /** One configuration of the consumer. */
    record Config(String name, String description, int pollMillis, int maxRecords, boolean perRecord) {}

    static final Map<String, Config> CONFIGS = Map.of(
            "ours", new Config("ours",
                    "poll 200 ms, 1000 records/call, state writes coalesced (one per device per second, at once on alerts)",
                    200, 1000, false),
            "comparison", new Config("comparison",
                    "KCL polling defaults (1500 ms, 10000 records/call), one state write per record",
                    1500, 10_000, true),
            "kcl-defaults", new Config("kcl-defaults",
                    "KCL polling defaults (1500 ms, 10000 records/call), coalesced state writes as ours",
                    1500, 10_000, false),
            "fast", new Config("fast",
                    "poll 50 ms (custom SleepTimeController), 1000 records/call, coalesced state writes",
                    50, 1000, false));

    /**
     * The state a rate was measured in.
     *
     * @param windowFillPercent share of the 10-minute window of device time the consumer had read per device when
     *                          priming ended (records read / devices / records per device per second / 600 s, at
     *                          most 100); it only grows afterwards, so it is a lower bound for every rate
     * @param primeSeconds      how long priming took, seconds (backlog sent and read)
     * @param primeComplete     false when priming stopped at {@code --prime-timeout} before the backlog was read
     * @param devices           devices sending during the measurement
     * @param measuredSeconds   seconds between the two scrapes that give the figures
     */
    record State(double windowFillPercent, double primeSeconds, boolean primeComplete, int devices,
            double measuredSeconds) {}

    /** What one rate measured. */
    record Step(Config config, int rate, double offered, double consumed, Histogram device, Histogram arrival,
            double writesPerRecord, double writeCallMillis, double itemsPerWriteCall, double cpuPercent,
            double heapMaxMb, double behindMaxMs, boolean keptUp, double drainSeconds, double cpuMillisPer1000,
            WriteCost cost, State state) {}

    /** Priming's outcome: see {@link State}. */
    private record Prime(double windowFillPercent, double seconds, boolean complete) {}

    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--fleet")) {
            List<String> rest = new ArrayList<>(java.util.Arrays.asList(args));
            rest.remove("--fleet");
            FleetBench.run(rest);
            return;
        }
        if (java.util.Arrays.asList(args).contains("--store")) {
            List<String> rest = new ArrayList<>(java.util.Arrays.asList(args));
            rest.remove("--store");
            StoreBench.run(rest);
            return;
        }
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(BenchOptions.USAGE);
                return;
            }
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("vigil bench: " + e.getMessage() + "\n\n" + BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        String machineBefore = Machine.describe();
        double loadBefore = Machine.loadAverage();
        List<Step> steps = new ArrayList<>();
        for (String name : options.configs()) {
            steps.addAll(runConfig(CONFIGS.get(name), options));
        }
        double loadAfter = Machine.loadAverage();
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        Report.write(options, steps, machineBefore, loadBefore, loadAfter, wall);
        System.out.println();
        System.out.println(Report.table(steps));
        System.out.printf(Locale.ROOT, "vigil bench: done in %d min %d s; report in %s, plots in %s%n",
                wall.toMinutes(), wall.toSecondsPart(), options.docs().resolve("benchmarks.md"),
                options.docs().resolve("bench"));
        System.exit(0); // emulator and SDK threads
    }

    private static List<Step> runConfig(Config config, BenchOptions o) throws Exception {
        List<Step> steps = new ArrayList<>();
        progress("[%s] starting the local stack (%d shards)...", config.name(), o.shards());
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults().withShardCount(o.shards()));
                KinesisPublisher publisher =
                        new KinesisPublisher(aws.kinesisClient(), PublisherConfig.defaults(aws.streamName()))) {
            int metricsPort = freePort();
            Process consumer = startConsumer(config, aws, metricsPort);
            // Ctrl-C or a kill of the bench: do not leave the consumer JVM running.
            Thread reaper = new Thread(consumer::destroyForcibly, "bench-consumer-reaper");
            Runtime.getRuntime().addShutdownHook(reaper);
            String base = "http://127.0.0.1:" + metricsPort;
            try {
                waitForLeases(config, base, o.shards(), consumer);
                Prime prime = prime(config, o, publisher, base);
                for (int i = 0; i < o.rates().size(); i++) {
                    steps.add(runRate(config, o, i, publisher, consumer, base, prime));
                }
            } finally {
                consumer.destroy(); // SIGTERM: graceful KCL shutdown
                if (!consumer.waitFor(25, java.util.concurrent.TimeUnit.SECONDS)) {
                    consumer.destroyForcibly();
                }
                Runtime.getRuntime().removeShutdownHook(reaper);
            }
        }
        return steps;
    }

    private static Process startConsumer(Config config, LocalAws aws, int metricsPort) throws IOException {
        Path logDir = Path.of(".vigil", "bench");
        Files.createDirectories(logDir);
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+ExitOnOutOfMemoryError", "-Xms256m", "-Xmx1g", "-Daws.cborEnabled=false",
                "-cp", System.getProperty("java.class.path"),
                "vigil.consumer.ConsumerMain");
        Map<String, String> env = pb.environment();
        var creds = LocalAws.credentials().resolveCredentials();
        env.put("AWS_ACCESS_KEY_ID", creds.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", creds.secretAccessKey());
        env.put("AWS_REGION", LocalAws.REGION.id());
        env.put("VIGIL_REGION", LocalAws.REGION.id());
        env.put("VIGIL_STREAM", aws.streamName());
        env.put("VIGIL_KINESIS_ENDPOINT", aws.kinesisEndpoint().toString());
        env.put("VIGIL_DYNAMODB_ENDPOINT", aws.dynamoDbEndpoint().toString());
        env.put("VIGIL_TABLE_PREFIX", aws.tablePrefix());
        env.put("VIGIL_APP_NAME", LocalAwsConfig.DEFAULT_KCL_APPLICATION);
        env.put("VIGIL_POLL_INTERVAL_MS", Integer.toString(config.pollMillis()));
        env.put("VIGIL_MAX_RECORDS", Integer.toString(config.maxRecords()));
        env.put("VIGIL_METRICS_HOST", "127.0.0.1");
        env.put("VIGIL_METRICS_PORT", Integer.toString(metricsPort));
        env.put("VIGIL_STATE_WRITES", config.perRecord() ? "per-record" : "per-batch");
        pb.redirectErrorStream(true);
        pb.redirectOutput(logDir.resolve("consumer-" + config.name() + ".log").toFile());
        return pb.start();
    }

    private static void waitForLeases(Config config, String base, int shards, Process consumer) throws Exception {
        long start = System.nanoTime();
        while (true) {
            if (!consumer.isAlive()) {
                throw new IllegalStateException("the consumer exited (code " + consumer.exitValue()
                        + "); see .vigil/bench/consumer-" + config.name() + ".log");
            }
            double leases = 0;
            try {
                leases = new Scrape(get(base + "/metrics")).gauge("vigil_shard_leases");
            } catch (IOException e) {
                // not listening yet
            }
            long waited = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            progress("[%s] waiting for KCL to assign the shard leases: %d/%d after %d s", config.name(),
                    (int) leases, shards, waited);
            if (leases >= shards) {
                progressEnd();
                return;
            }
            if (waited > LEASE_TIMEOUT.toSeconds()) {
                throw new IllegalStateException("no " + shards + " leases after " + waited + " s");
            }
            Thread.sleep(1000);
        }
    }

    private static Step runRate(Config config, BenchOptions o, int index, KinesisPublisher publisher,
            Process consumer, String base, Prime prime) throws Exception {
        int rate = o.rates().get(index);
        int devices = o.devices();
        SimConfig sim = SimConfig.defaults()
                .withDevices(devices / 2, devices - devices / 2)
                .withRecordsPerSecond(rate)
                .withLimits(Duration.ofSeconds(o.warmupSeconds() + o.measureSeconds()), 0)
                .withSeed(1)
                .withStartSeq(1 + 10_100_000L + index * 100_000L);
        Simulation simulation = new Simulation(sim, publisher);
        simulation.start();
        long stepStart = System.nanoTime();
        Snapshot before = null;
        double heapMax = 0;
        double behindMax = 0;
        int total = o.warmupSeconds() + o.measureSeconds();
        for (int s = 1; s <= total; s++) {
            sleepUntil(stepStart + s * 1_000_000_000L);
            Scrape scrape = new Scrape(get(base + "/metrics"));
            boolean measuring = s > o.warmupSeconds();
            if (s == o.warmupSeconds()) {
                before = snapshot(scrape, base, consumer, publisher);
            }
            double heap = scrape.sum("jvm_memory_used_bytes", "area=\"heap\"") / 1e6;
            double behind = scrape.max("vigil_shard_millis_behind_latest_milliseconds");
            if (measuring) {
                heapMax = Math.max(heapMax, heap);
                if (!Double.isNaN(behind)) {
                    behindMax = Math.max(behindMax, behind);
                }
            }
            progress("[%s] %,d records/s (%d of %d)  %s %2d/%ds  sent %,d  consumed %,d  behind %s ms  heap %.0f MB",
                    config.name(), rate, index + 1, o.rates().size(), measuring ? "measuring" : "warm-up  ",
                    s, total, publisher.stats().sent(), (long) scrape.counter("vigil_records_in"),
                    Double.isNaN(behind) ? "-" : String.format(Locale.ROOT, "%,.0f", behind), heap);
        }
        Snapshot after = snapshot(new Scrape(get(base + "/metrics")), base, consumer, publisher);
        simulation.stop();
        simulation.awaitFinished(Duration.ofSeconds(10));
        double drain = drain(config, base, publisher);
        progressEnd();
        double seconds = (after.nanos - before.nanos) / 1e9;
        double records = after.recordsIn - before.recordsIn;
        Histogram device = after.device.copy();
        device.subtract(before.device);
        Histogram arrival = after.arrival.copy();
        arrival.subtract(before.arrival);
        double offered = (after.sent - before.sent) / seconds;
        double consumed = records / seconds;
        double writes = records == 0 ? Double.NaN : (after.writes - before.writes) / records;
        double cpu = 100.0 * (after.cpuNanos - before.cpuNanos) / (after.nanos - before.nanos);
        double calls = after.writeCalls - before.writeCalls;
        double callMillis = calls == 0 ? Double.NaN : 1000 * (after.writeSeconds - before.writeSeconds) / calls;
        double itemsPerCall = calls == 0 ? Double.NaN : (after.writes - before.writes) / calls;
        boolean keptUp = consumed >= KEPT_UP_SHARE * offered && drain <= KEPT_UP_DRAIN_SECONDS;
        double cpuPer1000 = records == 0 ? Double.NaN : (after.cpuNanos - before.cpuNanos) / 1e6 / records * 1000;
        WriteCost cost = WriteCost.between(before.scrape, after.scrape, after.accepted - before.accepted);
        State state = new State(prime.windowFillPercent(), prime.seconds(), prime.complete(), devices, seconds);
        Step step = new Step(config, rate, offered, consumed, device, arrival, writes, callMillis, itemsPerCall, cpu,
                heapMax, behindMax, keptUp, drain, cpuPer1000, cost, state);
        System.out.println(Report.row(step));
        return step;
    }

    /**
     * Fills the windows by catch-up at the first rate: device time starts {@code --prime} seconds in the past and
     * that backlog goes out as fast as the stack takes it; priming ends when the simulator has caught up with real
     * time and the consumer has read the whole backlog and is within a second of the records sent in real time
     * meanwhile, or at {@code --prime-timeout}. Unmeasured; it also warms up JIT,
     * connection pools and the emulators.
     */
    private static Prime prime(Config config, BenchOptions o, KinesisPublisher publisher, String base)
            throws Exception {
        int devices = o.devices();
        int rate = o.rates().get(0);
        SimConfig sim = SimConfig.defaults()
                .withDevices(devices / 2, devices - devices / 2)
                .withRecordsPerSecond(rate)
                .withLimits(null, 0)
                .withCatchUp(Duration.ofSeconds(o.primeSeconds()))
                .withSeed(1)
                .withStartSeq(1 + 10_000_000L);
        Simulation simulation = new Simulation(sim, publisher);
        simulation.start();
        long start = System.nanoTime();
        long backlog = (long) o.primeSeconds() * rate;
        boolean complete = false;
        double in = 0;
        while (true) {
            Thread.sleep(1000);
            in = new Scrape(get(base + "/metrics")).counter("vigil_records_in");
            long sent = publisher.stats().sent();
            double seconds = (System.nanoTime() - start) / 1e9;
            // Done when the backlog has been read and the consumer is within a second of what is sent in real time
            // meanwhile, so that no backlog is left for the first measured rate.
            if (simulation.caughtUp() && in >= simulation.catchUpRecords() && in >= sent - rate) {
                complete = true;
                break;
            }
            if (seconds > o.primeTimeoutSeconds()) {
                break;
            }
            progress("[%s] priming (catch-up, not measured): %.0f s, backlog %,d records, sent %,d, consumed %,.0f%s",
                    config.name(), seconds, backlog, sent, in, simulation.caughtUp() ? ", caught up" : "");
        }
        simulation.stop();
        simulation.awaitFinished(Duration.ofSeconds(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        progressEnd();
        // Records read per device, as seconds of device time at the priming rate, against the 10-minute window.
        double coveredSeconds = in / rate;
        double fill = Math.min(100, 100 * coveredSeconds / WINDOW_SECONDS);
        System.out.printf(Locale.ROOT, "[%s] primed in %.0f s: %,.0f records read, window fill %.0f %%%s%n",
                config.name(), seconds, in, fill, complete ? "" : " (stopped at --prime-timeout)");
        drain(config, base, publisher); // what the real-time part sent meanwhile
        return new Prime(fill, seconds, complete);
    }

    /** Waits until the consumer has read everything sent; returns the seconds it took (capped). */
    private static double drain(Config config, String base, KinesisPublisher publisher) throws Exception {
        long start = System.nanoTime();
        while (true) {
            double in = new Scrape(get(base + "/metrics")).counter("vigil_records_in");
            double seconds = (System.nanoTime() - start) / 1e9;
            if (in >= publisher.stats().sent() || seconds > DRAIN_TIMEOUT.toSeconds()) {
                return seconds;
            }
            progress("[%s] draining: %,d of %,d records consumed", config.name(), (long) in,
                    publisher.stats().sent());
            Thread.sleep(250);
        }
    }

    private record Snapshot(long nanos, double recordsIn, double accepted, double writes, double writeCalls,
            double writeSeconds, long cpuNanos, long sent, Histogram device, Histogram arrival, Scrape scrape) {}

    private static Snapshot snapshot(Scrape scrape, String base, Process consumer, KinesisPublisher publisher)
            throws IOException, InterruptedException {
        long cpu = consumer.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        double writes = scrape.counter("vigil_dynamodb_writes_state") + scrape.counter("vigil_dynamodb_writes_quarantine")
                + scrape.counter("vigil_dynamodb_writes_alerts");
        return new Snapshot(System.nanoTime(), scrape.counter("vigil_records_in"),
                scrape.counter("vigil_records_accepted"), writes,
                scrape.sum("vigil_dynamodb_write_duration_seconds_count"),
                scrape.sum("vigil_dynamodb_write_duration_seconds_sum"), cpu,
                publisher.stats().sent(), MetricsServer.decode(get(base + "/metrics/latency/device")),
                MetricsServer.decode(get(base + "/metrics/latency/arrival")), scrape);
    }

    static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode());
        }
        return r.body();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static final boolean TTY = System.console() != null;
    private static long lastLineNanos;

    /** A progress line: rewritten in place on a terminal, one line every few seconds otherwise. */
    private static void progress(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        if (TTY) {
            System.out.print("\r\033[2K" + line);
            System.out.flush();
        } else if (System.nanoTime() - lastLineNanos >= 5_000_000_000L) {
            lastLineNanos = System.nanoTime();
            System.out.println(line);
        }
    }

    private static void progressEnd() {
        if (TTY) {
            System.out.println();
        }
    }
}
