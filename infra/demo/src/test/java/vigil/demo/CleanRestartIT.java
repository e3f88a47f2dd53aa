package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.VigilConsumer;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.Tables;
import vigil.sim.SimConfig;
import vigil.sim.SimResult;
import vigil.sim.Simulation;
import vigil.sim.publish.KinesisPublisher;
import vigil.sim.publish.PublisherConfig;

/**
 * Disturbance (d): a consumer stops cleanly mid-stream and a new one continues from the checkpoints and the device
 * snapshots. Every device's state must end at the last record sent with its accepted count equal to the records it
 * sent (a new owner that started from empty counts would end lower), and no alert history may hold a step twice.
 */
class CleanRestartIT {

    @Test
    void shouldContinueCountsAndAlertsAfterACleanRestart() throws Exception {
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults());
                KinesisPublisher publisher =
                        new KinesisPublisher(aws.kinesisClient(), PublisherConfig.defaults(aws.streamName()))) {
            ConsumerConfig config = ConsumerConfig.local(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(),
                    aws.streamName(), aws.tablePrefix());
            SimConfig sim = SimConfig.defaults().withDevices(12, 8).withRecordsPerSecond(100).withLimits(null, 6_000L)
                    .withSeed(20261122L);
            CompletableFuture<SimResult> sending = CompletableFuture.supplyAsync(() -> {
                try {
                    return new Simulation(sim, publisher).run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            SimpleMeterRegistry first = new SimpleMeterRegistry();
            try (VigilConsumer consumer = VigilConsumer.start(config, LocalAws.credentials(), first, Clock.systemUTC())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (first.get("vigil.records.in").counter().count() < 1_000 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertThat(consumer.meters()).isNotNull();
            } // graceful: shutdownRequested flushes and checkpoints
            SimResult sent = sending.join();
            assertThat(sent.complete()).isTrue();

            SimpleMeterRegistry second = new SimpleMeterRegistry();
            Map<String, long[]> states = Map.of();
            try (VigilConsumer consumer = VigilConsumer.start(config, LocalAws.credentials(), second,
                    Clock.systemUTC())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (System.nanoTime() < deadline) {
                    states = deviceStates(aws);
                    if (lastSeqs(states).equals(sent.lastSeqByDevice())) {
                        break;
                    }
                    Thread.sleep(500);
                }
                assertThat(consumer.meters()).isNotNull();
            }
            assertThat(lastSeqs(states)).as("no device state behind the last record sent")
                    .isEqualTo(sent.lastSeqByDevice());
            for (Map.Entry<String, long[]> e : states.entrySet()) {
                assertThat(e.getValue()[1]).as("accepted count of %s continued across the restart", e.getKey())
                        .isEqualTo(sent.lastSeqByDevice().get(e.getKey()) + 1);
            }
            assertNoStepTwice(aws);
        }
    }

    /** deviceId -> {lastSeq, countAccepted}. */
    static Map<String, long[]> deviceStates(LocalAws aws) {
        Map<String, long[]> out = new HashMap<>();
        for (Map<String, AttributeValue> item : aws.dynamoDbClient().scanPaginator(ScanRequest.builder()
                .tableName(Tables.DEVICE_STATE.nameWith(aws.tablePrefix())).consistentRead(true).build()).items()) {
            out.put(item.get("deviceId").s(), new long[] {
                Long.parseLong(item.get("lastSeq").n()), Long.parseLong(item.get("countAccepted").n())});
        }
        return out;
    }

    static Map<String, Long> lastSeqs(Map<String, long[]> states) {
        Map<String, Long> out = new java.util.TreeMap<>();
        states.forEach((id, s) -> out.put(id, s[0]));
        return out;
    }

    /** No alert's history holds the same step (change and time) twice. */
    static void assertNoStepTwice(LocalAws aws) {
        for (Map<String, AttributeValue> item : aws.dynamoDbClient().scanPaginator(ScanRequest.builder()
                .tableName(Tables.ALERTS.nameWith(aws.tablePrefix())).consistentRead(true).build()).items()) {
            List<AttributeValue> history = item.get("history").l();
            Set<String> steps = new HashSet<>();
            for (AttributeValue h : history) {
                String step = h.m().get("change").s() + "@" + h.m().get("at").s();
                assertThat(steps.add(step)).as("%s: step %s twice", item.get("alertId").s(), step).isTrue();
            }
        }
    }
}
