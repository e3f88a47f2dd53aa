package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.VigilConsumer;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;

/**
 * Disturbance (b): the stream is resharded from 2 to 4 shards (each parent split at the middle of its hash range)
 * while records flow. KCL ends the parents (the processor flushes and checkpoints at shard end) and only then
 * processes the children, which restore their devices' snapshots by hash range. The final device states and alerts
 * must equal the undisturbed reference.
 */
class ReshardIT {
    private static final Logger LOG = LoggerFactory.getLogger(ReshardIT.class);

    @Test
    void shouldContinueStateAndAlertsExactlyAcrossASplitFromTwoToFourShards() throws Exception {
        DisturbanceRun run = DisturbanceRun.generate("disturbance.yaml");
        int total = run.records.size();
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults().withShardCount(2))) {
            ConsumerConfig config = ConsumerConfig.local(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(),
                    aws.streamName(), aws.tablePrefix());
            AtomicLong sent = new AtomicLong();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (VigilConsumer consumer = VigilConsumer.start(config, LocalAws.credentials(), registry,
                    Clock.systemUTC())) {
                assertThat(consumer.meters()).isNotNull();
                // About 80 records/s for about 60 s: they keep flowing through the splits.
                CompletableFuture<Void> rest = run.publishInBackground(aws.kinesisClient(), aws.streamName(), 20, 250,
                        sent);
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (registry.get("vigil.records.in").counter().count() < total / 4.0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                List<Shard> parents = openShards(aws.kinesisClient(), aws.streamName());
                assertThat(parents).hasSize(2);
                for (Shard parent : parents) {
                    BigInteger start = new BigInteger(parent.hashKeyRange().startingHashKey());
                    BigInteger end = new BigInteger(parent.hashKeyRange().endingHashKey());
                    aws.kinesisClient().splitShard(b -> b.streamName(aws.streamName()).shardToSplit(parent.shardId())
                            .newStartingHashKey(start.add(end).shiftRight(1).add(BigInteger.ONE).toString()));
                    awaitActive(aws.kinesisClient(), aws.streamName());
                    LOG.info("split {} after {} records sent", parent.shardId(), sent.get());
                }
                assertThat(openShards(aws.kinesisClient(), aws.streamName())).hasSize(4);
                rest.join();
                assertThat(run.awaitStates(aws, Duration.ofSeconds(180))).as("every device reached its last seq")
                        .isTrue();
            }
            run.assertMatchesReference(aws);
        }
    }

    private static List<Shard> openShards(KinesisClient kinesis, String stream) {
        return kinesis.listShards(b -> b.streamName(stream)).shards().stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                .toList();
    }

    private static void awaitActive(KinesisClient kinesis, String stream) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
                    == StreamStatus.ACTIVE) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("stream not ACTIVE again after a split");
    }
}
