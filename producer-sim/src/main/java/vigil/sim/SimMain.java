package vigil.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import vigil.sim.device.DeviceFleet;
import vigil.sim.device.SimulatedDevice;
import vigil.sim.publish.JsonLinesSink;
import vigil.sim.publish.KinesisPublisher;
import vigil.sim.publish.PublisherConfig;
import vigil.sim.publish.RecordSink;
import vigil.sim.publish.SinkStats;
import vigil.sim.scenario.FaultSchedule;
import vigil.sim.scenario.Scenario;
import vigil.sim.scenario.ScenarioLoader;
import vigil.sim.settings.SettingsClient;
import vigil.sim.settings.SettingsPoller;

/**
 * Command-line entry: parses options ({@link SimCommandLine#USAGE}), wires the sink and runs a {@link Simulation},
 * printing a progress line on stderr. Wiring only; the work is in {@link Simulation} and the sinks.
 */
public final class SimMain {
    static final int EXIT_OK = 0;
    static final int EXIT_UNDELIVERED = 1;
    static final int EXIT_USAGE = 2;

    private SimMain() {}

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "vigil-sim-logback.xml");
        }
        System.exit(run(args, System.out, System.err, true));
    }

    /**
     * Runs the command line and returns the exit status.
     *
     * @param installShutdownHook true to make Ctrl-C stop the run and flush (the real process); false in tests
     */
    static int run(String[] args, PrintStream out, PrintStream err, boolean installShutdownHook) {
        SimCommandLine cli;
        try {
            cli = SimCommandLine.parse(args);
        } catch (SimCommandLine.UsageException e) {
            err.println("producer-sim: " + e.getMessage());
            err.println("Try --help for the options.");
            return EXIT_USAGE;
        }
        if (cli.help()) {
            out.print(SimCommandLine.USAGE);
            return EXIT_OK;
        }
        Plan plan;
        try {
            plan = plan(cli);
        } catch (IOException | IllegalArgumentException e) {
            err.println("producer-sim: " + e.getMessage());
            return EXIT_USAGE;
        }
        String token = null;
        if (cli.apiUrl() != null) {
            token = System.getenv(SimCommandLine.TOKEN_ENV);
            if (token == null || token.isBlank()) {
                err.println("producer-sim: --api needs a collector token in the environment variable "
                        + SimCommandLine.TOKEN_ENV);
                return EXIT_USAGE;
            }
        }
        KinesisClient client = null;
        RecordSink sink;
        try {
            if (cli.outFile() != null) {
                sink = JsonLinesSink.create(cli.outFile(), cli.arrivalTimes());
            } else {
                client = kinesisClient(cli);
                PublisherConfig publisherConfig = PublisherConfig.defaults(cli.streamName())
                        .withMaxInFlightRequests(cli.maxInFlightRequests());
                sink = new KinesisPublisher(client, cli.aggregate()
                        ? publisherConfig.withAggregation(cli.maxAggregateBytes()) : publisherConfig);
            }
        } catch (IOException | RuntimeException e) {
            err.println("producer-sim: cannot open the output: " + e.getMessage());
            return EXIT_UNDELIVERED;
        }
        long epochMillis = cli.start() != null ? cli.start().toEpochMilli()
                : cli.outFile() != null ? plan.start().toEpochMilli() // files: the simulation's own clock
                // a stream: device time near the consumer's clock; a backlog starts that much earlier
                : System.currentTimeMillis() - cli.config().catchUp().toMillis();
        RecordFlow flow = plan.schedule() != null ? plan.schedule() : RecordFlow.plain();
        Simulation simulation =
                Simulation.withScheduleClock(plan.config(), plan.devices(), flow, sink, epochMillis, cli.fast());
        SettingsPoller settings = null;
        if (token != null) {
            settings = new SettingsPoller(new SettingsClient(cli.apiUrl(), token, Duration.ofSeconds(5)),
                    plan.polledDevices(), plan.pollInterval());
            settings.start();
        }
        CountDownLatch mainDone = new CountDownLatch(1);
        Thread hook = new Thread(() -> stopAndWait(simulation, mainDone, plan.config(), err), "sim-shutdown");
        if (installShutdownHook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sim-progress");
            t.setDaemon(true);
            return t;
        });
        try {
            SimResult result;
            Duration wallElapsed;
            try {
                long periodMillis = cli.progressInterval().toMillis();
                long[] lastSent = {0};
                long wallStartNanos = System.nanoTime(); // rates are per wall-clock second, also in --fast runs
                progress.scheduleAtFixedRate(
                        () -> err.println(progressLine(simulation.progress(), lastSent, cli.progressInterval(),
                                Duration.ofNanos(System.nanoTime() - wallStartNanos))),
                        periodMillis, periodMillis, TimeUnit.MILLISECONDS);
                result = simulation.run();
                wallElapsed = Duration.ofNanos(System.nanoTime() - wallStartNanos);
            } finally {
                progress.shutdownNow();
                if (settings != null) {
                    settings.close();
                }
                sink.close();
                if (client != null) {
                    client.close();
                }
            }
            err.println(summary(result, wallElapsed, cli.aggregate()));
            if (plan.schedule() != null) {
                FaultSchedule.Counters c = plan.schedule().counters();
                err.printf(Locale.ROOT, "producer-sim: scenario %s: %d malformed, %d duplicated, %d pairs swapped,"
                                + " %d late, %d silent turns, %d buffered by restarting collectors%n", plan.name(),
                        c.malformed(), c.duplicates(), c.reordered(), c.late(), c.silenced(), c.buffered());
            }
            if (settings != null) {
                SettingsPoller.Stats st = settings.stats();
                err.printf(Locale.ROOT, "producer-sim: settings: %d polls, %d applied, %d not modified, %d missing,"
                        + " %d failed%n", st.polls(), st.changed(), st.unchanged(), st.missing(), st.failed());
            }
            if (installShutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already (Ctrl-C): the hook runs and waits for mainDone
                }
            }
            return result.complete() ? EXIT_OK : EXIT_UNDELIVERED;
        } finally {
            mainDone.countDown(); // after the summary, so that a Ctrl-C exit still prints it
        }
    }

    /** What the command line asks to run: a scenario's devices and faults, or the plain fleet. */
    private record Plan(String name, SimConfig config, List<SimulatedDevice> devices, FaultSchedule schedule,
            Instant start, List<SimulatedDevice> polledDevices, Duration pollInterval) {}

    private static Plan plan(SimCommandLine cli) throws IOException {
        SimConfig base = cli.config();
        if (cli.scenario() == null) {
            List<SimulatedDevice> devices = DeviceFleet.create(base.pumps(), base.dialysisMachines(),
                    base.careUnits(), base.collectorId(), base.seed(), base.startSeq());
            return new Plan("fleet", base, devices, null, ScenarioLoader.DEFAULT_START, devices,
                    Duration.ofSeconds(10));
        }
        Scenario scenario = ScenarioLoader.load(cli.scenario());
        if (cli.seedGiven()) {
            scenario = scenario.withSeed(base.seed());
        }
        if (cli.durationGiven()) {
            scenario = scenario.withDuration(base.duration());
        }
        List<SimulatedDevice> devices = scenario.createDevices(base.startSeq());
        List<SimulatedDevice> polled = devices;
        Duration pollInterval = Duration.ofSeconds(10);
        if (scenario.settings() != null) {
            Set<String> ids = new HashSet<>(scenario.settings().deviceIds());
            polled = devices.stream().filter(d -> ids.contains(d.deviceId())).toList();
            pollInterval = scenario.settings().pollInterval();
        }
        return new Plan(scenario.name(),
                scenario.simConfig(base.startSeq(), base.flushTimeout()).withCatchUp(base.catchUp()), devices,
                new FaultSchedule(scenario, devices), scenario.start(), polled, pollInterval);
    }

    private static void stopAndWait(
            Simulation simulation, CountDownLatch mainDone, SimConfig config, PrintStream err) {
        err.println("producer-sim: stopping; sending the " + simulation.progress().sinkStats().queued()
                + " queued records first");
        simulation.stop();
        try {
            mainDone.await(config.flushTimeout().plusSeconds(15).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static KinesisClient kinesisClient(SimCommandLine cli) {
        // Emulators speak JSON, not CBOR; JSON works with the real service too. Must be set before the client exists.
        if (System.getProperty("aws.cborEnabled") == null) {
            System.setProperty("aws.cborEnabled", "false");
        }
        KinesisClientBuilder builder = KinesisClient.builder()
                .region(Region.of(cli.region()))
                .httpClientBuilder(ApacheHttpClient.builder());
        if (cli.kinesisEndpoint() != null) {
            builder.endpointOverride(cli.kinesisEndpoint());
            if (isLoopback(cli.kinesisEndpoint().getHost())) {
                // A local emulator accepts any key; real endpoints use the default credential chain.
                builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
            }
        }
        return builder.build();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static String progressLine(SimProgress p, long[] lastSent, Duration interval, Duration wallElapsed) {
        SinkStats s = p.sinkStats();
        double recentRate = (s.sent() - lastSent[0]) * 1_000.0 / Math.max(1, interval.toMillis());
        lastSent[0] = s.sent();
        double averageRate = s.sent() * 1_000.0 / Math.max(1, wallElapsed.toMillis());
        return String.format(Locale.ROOT,
                "producer-sim: %ds, %d sent, %.1f rec/s now, %.1f rec/s avg, %d queued, %d retried entries,"
                        + " %d failed calls, p99 %.1f ms, %d ms behind schedule",
                wallElapsed.toSeconds(), s.sent(), recentRate, averageRate, s.queued(), s.retriedEntries(),
                s.failedCalls(), s.latencyP99Micros() / 1_000.0, p.behindSchedule().toMillis());
    }

    /**
     * @param wallElapsed wall time of the run (in a --fast run, {@link SimResult#elapsed()} is simulated time)
     * @param aggregated  records went out KPL-aggregated: say into how many Kinesis records
     */
    static String summary(SimResult r, Duration wallElapsed, boolean aggregated) {
        SinkStats s = r.sinkStats();
        double seconds = Math.max(1e-3, wallElapsed.toNanos() / 1e9);
        return String.format(Locale.ROOT,
                "producer-sim: %s. %d records generated for %d devices, %d sent in %.1f s (%.1f rec/s)%s, %d retried"
                        + " entries, %d failed calls, %d undelivered, latency p50 %.1f ms p99 %.1f ms max %.1f ms%s",
                r.complete() ? "done" : "INCOMPLETE", r.recordsGenerated(), r.lastSeqByDevice().size(),
                r.recordsSent(), seconds, r.recordsSent() / seconds,
                !aggregated ? "" : String.format(Locale.ROOT,
                        " in %d Kinesis records (%.1f per record)", s.transportRecords(),
                        s.sent() / (double) Math.max(1, s.transportRecords())),
                s.retriedEntries(), s.failedCalls(),
                r.recordsGenerated() - r.recordsSent(), s.latencyP50Micros() / 1_000.0,
                s.latencyP99Micros() / 1_000.0, s.latencyMaxMicros() / 1_000.0,
                r.failure() == null ? "" : ". Failure: " + r.failure().getMessage());
    }
}
