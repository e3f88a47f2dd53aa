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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.VigilConsumer;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.Tables;

/**
 * Disturbance (d): a consumer stops cleanly mid-stream and a new one continues from the checkpoints and the device
 * snapshots. The final device states (last seq, accepted counts: a new owner that started from empty counts would
 * end lower) and the full set of alerts must equal the undisturbed reference on the same records, and no alert
 * history may hold a step twice.
 */
class CleanRestartIT {

    @Test
    void shouldContinueCountsAndAlertsAfterACleanRestart() throws Exception {
        DisturbanceRun run = DisturbanceRun.generate("disturbance.yaml");
        int total = run.records.size();
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults())) {
            ConsumerConfig config = ConsumerConfig.local(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(),
                    aws.streamName(), aws.tablePrefix());
            AtomicLong sent = new AtomicLong();
            SimpleMeterRegistry first = new SimpleMeterRegistry();
            CompletableFuture<Void> publishing;
            try (VigilConsumer consumer = VigilConsumer.start(config, LocalAws.credentials(), first, Clock.systemUTC())) {
                assertThat(consumer.meters()).isNotNull();
                // About 80 records/s for about 60 s, through the stop and the restart.
                publishing = run.publishInBackground(aws.kinesisClient(), aws.streamName(), 20, 250, sent);
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (first.get("vigil.records.in").counter().count() < total / 3.0 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertThat(first.get("vigil.records.in").counter().count()).isPositive();
            } // graceful: shutdownRequested flushes and checkpoints

            SimpleMeterRegistry second = new SimpleMeterRegistry();
            try (VigilConsumer consumer = VigilConsumer.start(config, LocalAws.credentials(), second,
                    Clock.systemUTC())) {
                assertThat(consumer.meters()).isNotNull();
                publishing.join();
                assertThat(run.awaitStates(aws, Duration.ofSeconds(180))).as("every device reached its last seq")
                        .isTrue();
                assertThat(second.get("vigil.records.in").counter().count())
                        .as("the second consumer started from the checkpoints, not from the start")
                        .isLessThan(total);
            }
            run.assertMatchesReference(aws);
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
