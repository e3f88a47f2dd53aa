package vigil.demo;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.ConsumerOptions;
import vigil.consumer.VigilConsumer;
import vigil.consumer.metrics.JvmMeters;
import vigil.dashboard.DashboardConfig;
import vigil.dashboard.DashboardServer;
import vigil.dashboard.auth.TokenMinter;
import vigil.dashboard.auth.TokenSpec;
import vigil.dashboard.metrics.ApiMetrics;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.Tables;
import vigil.sim.SimConfig;
import vigil.sim.Simulation;
import vigil.sim.publish.KinesisPublisher;
import vigil.sim.publish.PublisherConfig;

/**
 * {@code ./vigil demo}: starts the emulators, the consumer, the dashboard API and (unless {@code --no-sim}) the
 * simulator in this process, prints where everything is, shows progress, and stops it all on Ctrl-C. Wiring only.
 */
public final class DemoMain {
    /** Where the demo keeps the generated JWT secret, for {@code ./vigil token}. Git-ignored. */
    static final Path SECRET_FILE = Path.of(".vigil", "jwt-secret");

    private DemoMain() {}

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(DemoOptions.USAGE);
                return;
            }
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("vigil demo: " + e.getMessage() + "\n\n" + DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        List<AutoCloseable> running = new ArrayList<>(); // stopped in reverse order
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("\nvigil demo: stopping...");
            stopAll(running);
            stopped.countDown();
        }, "demo-shutdown"));
        try {
            run(options, running, System.out);
        } catch (RuntimeException e) {
            System.err.println("vigil demo: could not start: " + describe(e));
            System.exit(1); // the shutdown hook stops whatever did start
        }
        stopped.await();
    }

    private static void run(DemoOptions o, List<AutoCloseable> running, PrintStream out) throws IOException {
        long startNanos = System.nanoTime();
        out.println("vigil demo: starting emulators (Kinesis on " + port(o.kinesisPort()) + ", DynamoDB on "
                + port(o.dynamoDbPort()) + ", " + o.shards() + " shards)...");
        LocalAws aws = LocalAws.start(
                LocalAwsConfig.defaults().withPorts(o.kinesisPort(), o.dynamoDbPort()).withShardCount(o.shards()));
        running.add(aws);

        String secret = System.getenv().getOrDefault(DashboardConfig.ENV_JWT_SECRET, TokenMinter.generateSecret());
        writeSecret(secret);

        PrometheusMeterRegistry consumerRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        running.add(JvmMeters.bindTo(consumerRegistry));
        // Metrics and health on free loopback ports: several demos (or a demo and a bench) may run side by side.
        VigilConsumer consumer = VigilConsumer.start(
                ConsumerConfig.local(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(), aws.streamName(),
                        aws.tablePrefix()),
                new ConsumerOptions("127.0.0.1", 0, false),
                LocalAws.credentials(),
                consumerRegistry,
                Clock.systemUTC());
        running.add(consumer);

        ApiMetrics apiMetrics = new ApiMetrics();
        running.add(apiMetrics);
        int apiMetricsPort = apiMetrics.serve("127.0.0.1", 0);
        DashboardServer api = DashboardServer.start(
                new DashboardConfig(DashboardConfig.DEFAULT_HOST, o.apiPort(), aws.tablePrefix(), secret,
                        aws.dynamoDbEndpoint(), LocalAws.REGION.id()),
                aws.dynamoDbClient(), apiMetrics);
        running.add(api);

        Simulation simulation = null;
        if (o.simulate()) {
            PublisherConfig publisherConfig = PublisherConfig.defaults(aws.streamName());
            KinesisPublisher publisher = new KinesisPublisher(aws.kinesisClient(), o.aggregate()
                    ? publisherConfig.withAggregation(PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES)
                    : publisherConfig);
            running.add(publisher);
            SimConfig sim = SimConfig.defaults()
                    .withDevices(o.pumps(), o.dialysis())
                    .withRecordsPerSecond(o.rate())
                    .withLimits(null, 0) // until Ctrl-C
                    .withSeed(o.seed());
            simulation = new Simulation(sim, publisher);
            Simulation s = simulation;
            running.add(s::stop);
            simulation.start();
        }

        TokenMinter minter = TokenMinter.forSecret(secret);
        String base = "http://127.0.0.1:" + api.port();
        out.println();
        out.println("Vigil is running (started in " + Duration.ofNanos(System.nanoTime() - startNanos).toMillis()
                + " ms; the consumer needs about 10-40 s more to take its shard leases).");
        out.println("  Dashboard        " + base + "/");
        out.println("  Health           " + base + "/health");
        out.println("  Devices          " + base + "/api/v1/devices");
        out.println("  Device           " + base + "/api/v1/devices/{deviceId}");
        String consumerOps = "http://127.0.0.1:" + consumer.metricsPort();
        out.println("  Consumer metrics " + consumerOps + "/metrics   health " + consumerOps + "/health/live, "
                + consumerOps + "/health/ready");
        out.println("  API metrics      http://127.0.0.1:" + apiMetricsPort + "/metrics");
        out.println("  Kinesis          " + aws.kinesisEndpoint() + "  stream " + aws.streamName()
                + " (" + aws.shardCount() + " shards; CBOR off, HTTP/1.1)");
        out.println("  DynamoDB         " + aws.dynamoDbEndpoint() + "  tables " + aws.tablePrefix() + "*");
        out.println("  Simulator        " + (o.simulate()
                ? o.pumps() + " pumps, " + o.dialysis() + " dialysis machines, " + o.rate() + " records/s"
                        + (o.aggregate() ? ", KPL-aggregated per shard" : "")
                : "off (--no-sim): write telemetry-v1 records to the stream yourself"));
        out.println();
        out.println("Caregiver token (care units " + String.join(", ", SimConfig.DEFAULT_CARE_UNITS) + "):");
        out.println("  " + minter.mint(TokenSpec.caregiver("demo-nurse",
                SimConfig.DEFAULT_CARE_UNITS.toArray(new String[0]))));
        out.println("Device-admin token:");
        out.println("  " + minter.mint(TokenSpec.deviceAdmin("demo-biomed")));
        out.println();
        out.println("Try:  curl -H \"Authorization: Bearer <token>\" " + base + "/api/v1/devices");
        out.println("More tokens: ./vigil token --help   (the JWT secret is in " + SECRET_FILE + ")");
        out.println("Ctrl-C stops everything.");
        out.println();

        startProgress(aws, simulation, startNanos, running);
    }

    /** A progress line every 5 s: records sent, devices with durable state. */
    private static void startProgress(LocalAws aws, Simulation simulation, long startNanos,
            List<AutoCloseable> running) {
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-progress");
            t.setDaemon(true);
            return t;
        });
        running.add(progress::shutdownNow);
        String table = Tables.DEVICE_STATE.nameWith(aws.tablePrefix());
        long[] firstStateMillis = {-1};
        progress.scheduleAtFixedRate(() -> {
            try {
                // every page: one Scan page stops at 1 MB, about 900 device states
                long devices = aws.dynamoDbClient().scanPaginator(b -> b.tableName(table).select("COUNT")).stream()
                        .mapToLong(page -> page.count())
                        .sum();
                long elapsedMillis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
                if (devices > 0 && firstStateMillis[0] < 0) {
                    firstStateMillis[0] = elapsedMillis;
                    System.out.println("vigil demo: first device state in DynamoDB " + elapsedMillis
                            + " ms after start");
                }
                String sent = simulation == null
                        ? "simulator off"
                        : simulation.progress().sinkStats().sent() + " records sent";
                System.out.printf("vigil demo: %ds  %s  %d devices in device state%n", elapsedMillis / 1000, sent,
                        devices);
            } catch (RuntimeException e) {
                System.out.println("vigil demo: progress check failed: " + describe(e));
            }
        }, 5, 5, TimeUnit.SECONDS);
    }

    private static void writeSecret(String secret) throws IOException {
        Files.createDirectories(SECRET_FILE.getParent());
        Files.deleteIfExists(SECRET_FILE);
        Files.createFile(SECRET_FILE,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(SECRET_FILE, secret + "\n", StandardCharsets.UTF_8);
    }

    private static void stopAll(List<AutoCloseable> running) {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) { // keep stopping the rest
                System.err.println("vigil demo: stopping " + running.get(i).getClass().getSimpleName()
                        + " failed: " + describe(e));
            }
        }
    }

    private static String port(int p) {
        return p == 0 ? "a free port" : "port " + p;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
