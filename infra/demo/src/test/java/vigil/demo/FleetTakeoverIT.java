package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.VigilConsumer;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.sim.SimConfig;
import vigil.sim.SimResult;
import vigil.sim.Simulation;
import vigil.sim.publish.KinesisPublisher;
import vigil.sim.publish.PublisherConfig;

/**
 * Takeover at fleet size (docs/consumer.md, "Takeover at fleet size"): {@value #DEFAULT_DEVICES} devices (half pumps,
 * half dialysis machines) by default, windows full before the kill, two workers on 4 shards with the consumer's
 * default lease settings; the worker in its own JVM is killed with SIGKILL and the log line {@code TAKEOVER-FLEET:}
 * gives the time until every shard is processing again (as {@link WorkerKillIT}: every shard owned by the survivor,
 * and each shard the victim held restored from the recovery journal and made durable by the survivor since the
 * kill). Then it checks that no device lost its
 * last record.
 *
 * <p>Windows are filled by catch-up ({@link SimConfig#withCatchUp}): device time starts {@code catch-up} seconds in
 * the past and that backlog is sent as fast as the stack takes it, then the fleet sends in real time; the kill
 * comes once both workers together have read the whole backlog. The line states what it ran with: devices, send
 * interval, window fill (records read per device as seconds of device time, against the 10-minute window).
 *
 * <p>Not in CI (minutes, and a measurement, not a check): {@code -Dvigil.figures=true}. System properties:
 * {@code vigil.fleet.devices} (default 5000), {@code vigil.fleet.interval.ms} (each device's send interval, default
 * 1000), {@code vigil.fleet.catchup.s} (660), {@code vigil.fleet.prime.timeout.s} (1200).
 */
@EnabledIfSystemProperty(named = "vigil.figures", matches = "true")
class FleetTakeoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(FleetTakeoverIT.class);
    static final int DEFAULT_DEVICES = 5_000;
    private static final int DEVICES = Integer.getInteger("vigil.fleet.devices", DEFAULT_DEVICES);
    private static final long INTERVAL_MILLIS = Long.getLong("vigil.fleet.interval.ms", 1_000);
    private static final long CATCH_UP_SECONDS = Long.getLong("vigil.fleet.catchup.s", 660);
    private static final long PRIME_TIMEOUT_SECONDS = Long.getLong("vigil.fleet.prime.timeout.s", 1_200);
    private static final double WINDOW_SECONDS = 600;
    /** Records keep flowing this long after the kill, through the takeover. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shouldTakeOverEveryShardOfAKilledWorkerWithFullWindowsAtFleetSize() throws Exception {
        double rate = DEVICES * 1000.0 / INTERVAL_MILLIS;
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults());
                KinesisPublisher publisher =
                        new KinesisPublisher(aws.kinesisClient(), PublisherConfig.defaults(aws.streamName()))) {
            Path victimLog = Files.createTempFile("vigil-fleet-victim-", ".log");
            int victimMetricsPort = freePort();
            Process victim = WorkerKillIT.startVictim(aws, victimLog, Map.of(
                    "VIGIL_METRICS_HOST", "127.0.0.1", "VIGIL_METRICS_PORT", Integer.toString(victimMetricsPort)));
            String victimMetrics = "http://127.0.0.1:" + victimMetricsPort + "/metrics";
            try {
                ConsumerConfig config = ConsumerConfig.local(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(),
                        aws.streamName(), aws.tablePrefix()).withWorkerId(WorkerKillIT.SURVIVOR);
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                try (VigilConsumer survivor = VigilConsumer.start(config, LocalAws.credentials(), registry,
                        Clock.systemUTC())) {
                    assertThat(survivor.meters()).isNotNull();
                    SimConfig sim = SimConfig.defaults().withDevices(DEVICES / 2, DEVICES - DEVICES / 2)
                            .withRecordsPerSecond(rate)
                            .withLimits(null, 0)
                            .withCatchUp(Duration.ofSeconds(CATCH_UP_SECONDS))
                            .withSeed(11)
                            .withStartSeq(1);
                    Simulation simulation = new Simulation(sim, publisher);
                    CompletableFuture<SimResult> sent = simulation.start();
                    WorkerKillIT.awaitBothCheckpointing(aws, victim, victimLog, Duration.ofSeconds(300));
                    long primeStart = System.nanoTime();
                    double read = 0;
                    while (!(simulation.caughtUp() && read >= simulation.catchUpRecords())) {
                        assertThat(System.nanoTime() - primeStart)
                                .as("both workers read the %d s backlog within %d s (read %,.0f)", CATCH_UP_SECONDS,
                                        PRIME_TIMEOUT_SECONDS, read)
                                .isLessThan(Duration.ofSeconds(PRIME_TIMEOUT_SECONDS).toNanos());
                        Thread.sleep(2_000);
                        read = count(registry, "vigil.records.in") + recordsIn(victimMetrics);
                        LOG.info("priming: {} records read by both workers, backlog {} ({})", (long) read,
                                simulation.catchUpRecords(), simulation.caughtUp() ? "all sent" : "sending");
                    }
                    double fillPercent = Math.min(100, 100 * read / rate / WINDOW_SECONDS);
                    // The victim must hold and process a shard when it is killed, and no lease be in a graceful
                    // hand-off (KCL 3 moves leases while the workers' counts settle; a kill then measures the
                    // hand-off to a dead worker, not a failover): under load a worker can also lose its leases to
                    // the other (missed renewals) and get them back by rebalancing; wait for that, at most 120 s.
                    Map<String, WorkerKillIT.Lease> atKill = WorkerKillIT.leases(aws);
                    long holdDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while ((WorkerKillIT.victimShards(atKill).isEmpty()
                            || !WorkerKillIT.handoffsPending(atKill).isEmpty()) && System.nanoTime() < holdDeadline) {
                        Thread.sleep(500);
                        atKill = WorkerKillIT.leases(aws);
                    }
                    assertThat(WorkerKillIT.victimShards(atKill)).as("the victim holds a shard when killed")
                            .isNotEmpty();
                    victim.destroyForcibly();
                    long killedNanos = System.nanoTime();
                    long killedMillis = System.currentTimeMillis();
                    victim.waitFor();
                    long takeoverMillis = WorkerKillIT.awaitTakeover(aws, survivor.meters(), atKill, killedNanos,
                            killedMillis, Duration.ofSeconds(300));
                    LOG.info(String.format(Locale.ROOT, "TAKEOVER-FLEET: every shard processing again %d ms after the"
                                    + " kill; %d devices, one record per device every %d ms (%.0f records/s),"
                                    + " window fill %.0f %% (%,.0f records read before the kill, backlog of %d s"
                                    + " read in %.0f s), victim held %s, hand-offs pending at the kill %s,"
                                    + " lease settings: failover %d ms, %s",
                            takeoverMillis, DEVICES, INTERVAL_MILLIS, rate, fillPercent, read, CATCH_UP_SECONDS,
                            (System.nanoTime() - primeStart) / 1e9, WorkerKillIT.victimShards(atKill),
                            WorkerKillIT.handoffsPending(atKill),
                            config.failoverTime().toMillis(), config.leaseTuning()));
                    Thread.sleep(AFTER_KILL.toMillis());
                    simulation.stop();
                    SimResult result = sent.join();
                    assertThat(result.complete()).as("every record delivered to Kinesis").isTrue();
                    assertThat(awaitLastSeqs(aws, result.lastSeqByDevice(), Duration.ofSeconds(600)))
                            .as("every device's state reached its last record sent").isTrue();
                }
            } finally {
                victim.destroyForcibly();
                Files.deleteIfExists(victimLog);
            }
        }
    }

    private static boolean awaitLastSeqs(LocalAws aws, Map<String, Long> expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (CleanRestartIT.lastSeqs(CleanRestartIT.deviceStates(aws)).equals(new java.util.TreeMap<>(expected))) {
                return true;
            }
            Thread.sleep(5_000); // each check scans every device's state
        }
        return false;
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.get(name).counter().count();
    }

    /** {@code vigil.records.in} of the victim's Prometheus scrape; 0 while its port does not answer. */
    private static double recordsIn(String url) throws InterruptedException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("vigil_records_in_") && line.contains("_total ")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (IOException e) {
            // not listening yet
        }
        return 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
