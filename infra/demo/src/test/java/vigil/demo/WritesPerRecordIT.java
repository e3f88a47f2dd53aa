package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
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
 * The figures of docs/consumer.md, "DynamoDB writes per accepted record": 20 simulated devices (14 pumps, 6
 * dialysis machines) for 30 s at 1, 5 and 10 records per device per second through one live consumer (KCL, default
 * 1 s coalescing), counting {@code vigil.dynamodb.write.requests} against {@code vigil.records.accepted} per
 * phase. Not part of CI (about 3 minutes, and a measurement, not a check): run with {@code -Dvigil.figures=true}.
 */
@EnabledIfSystemProperty(named = "vigil.figures", matches = "true")
class WritesPerRecordIT {
    private static final Logger LOG = LoggerFactory.getLogger(WritesPerRecordIT.class);
    private static final int PUMPS = 14;
    private static final int DIALYSIS = 6;
    private static final Duration PHASE = Duration.ofSeconds(30);

    @Test
    void measureWritesPerAcceptedRecordAtOneFiveAndTenRecordsPerDevicePerSecond() throws Exception {
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults())) {
            ConsumerConfig config = ConsumerConfig.local(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(),
                    aws.streamName(), aws.tablePrefix());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (VigilConsumer consumer = VigilConsumer.start(config, LocalAws.credentials(), registry,
                            Clock.systemUTC());
                    KinesisPublisher publisher =
                            new KinesisPublisher(aws.kinesisClient(), PublisherConfig.defaults(aws.streamName()))) {
                assertThat(consumer.meters()).isNotNull();
                // Warm-up: wait for KCL to hold every lease and process (1 record per device).
                run(publisher, 1, Duration.ofSeconds(2), 0);
                awaitAccepted(registry, PUMPS + DIALYSIS, Duration.ofSeconds(120));
                StringBuilder table = new StringBuilder();
                int phase = 1;
                for (int perDevice : new int[] {1, 5, 10}) {
                    double accepted0 = count(registry, "vigil.records.accepted");
                    double writes0 = count(registry, "vigil.dynamodb.write.requests");
                    double states0 = count(registry, "vigil.dynamodb.writes.state");
                    SimResult sent = run(publisher, perDevice, PHASE, phase++ * 1_000_000L);
                    awaitAccepted(registry, accepted0 + sent.recordsSent(), Duration.ofSeconds(60));
                    Thread.sleep(2_500); // the last coalesced flush
                    double accepted = count(registry, "vigil.records.accepted") - accepted0;
                    double writes = count(registry, "vigil.dynamodb.write.requests") - writes0;
                    double states = count(registry, "vigil.dynamodb.writes.state") - states0;
                    table.append(String.format(Locale.ROOT,
                            "%n| %d | %.0f | %.0f | %.0f | %.3f |", perDevice, accepted, writes, states,
                            writes / accepted));
                }
                LOG.info("FIGURES (records/device/s | accepted | write requests | state items | writes per record):{}",
                        table);
            }
        }
    }

    private static SimResult run(KinesisPublisher publisher, int perDevice, Duration duration, long startSeq) {
        SimConfig sim = SimConfig.defaults().withDevices(PUMPS, DIALYSIS)
                .withRecordsPerSecond((double) perDevice * (PUMPS + DIALYSIS))
                .withLimits(duration, (long) perDevice * (PUMPS + DIALYSIS) * duration.toSeconds())
                .withStartSeq(startSeq)
                .withSeed(7L);
        return new Simulation(sim, publisher).run();
    }

    private static void awaitAccepted(SimpleMeterRegistry registry, double atLeast, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(registry, "vigil.records.accepted") < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.get(name).counter().count();
    }
}
