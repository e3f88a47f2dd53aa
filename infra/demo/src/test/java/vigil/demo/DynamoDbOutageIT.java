package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.VigilConsumer;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;

/**
 * Disturbance (c): DynamoDB becomes unreachable for 20 s mid-stream (a TCP proxy between the consumer and DynamoDB
 * Local is cut: effect writes, snapshot reads, checkpoints and KCL's lease renewals all fail), then comes back.
 * The writes retry, nothing is checkpointed past what is durable, leases lost meanwhile are taken again and their
 * shards replayed from the last checkpoint. The final device states and alerts must equal the undisturbed reference.
 */
class DynamoDbOutageIT {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbOutageIT.class);

    @Test
    void shouldLoseNothingAndDuplicateNothingWhenDynamoDbIsUnreachableFor20Seconds() throws Exception {
        DisturbanceRun run = DisturbanceRun.generate("disturbance.yaml");
        int total = run.records.size();
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults());
                CuttableTcpProxy proxy = new CuttableTcpProxy(aws.dynamoDbEndpoint().getPort())) {
            ConsumerConfig config = ConsumerConfig.local(aws.kinesisEndpoint(), proxy.endpoint(), aws.streamName(),
                    aws.tablePrefix());
            AtomicLong sent = new AtomicLong();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (VigilConsumer consumer = VigilConsumer.start(config, LocalAws.credentials(), registry,
                    Clock.systemUTC())) {
                assertThat(consumer.meters()).isNotNull();
                // About 80 records/s for about 60 s: they keep flowing while DynamoDB is cut.
                CompletableFuture<Void> rest = run.publishInBackground(aws.kinesisClient(), aws.streamName(), 20, 250,
                        sent);
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (registry.get("vigil.records.in").counter().count() < total / 4.0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                double beforeCut = registry.get("vigil.records.in").counter().count();
                proxy.cut();
                LOG.info("DynamoDB cut after {} records in", (long) beforeCut);
                Thread.sleep(20_000);
                proxy.restore();
                LOG.info("DynamoDB back; retries so far {}",
                        (long) registry.get("vigil.dynamodb.writes.retries").counter().count());
                rest.join();
                assertThat(run.awaitStates(aws, Duration.ofSeconds(180))).as("every device reached its last seq")
                        .isTrue();
                assertThat(registry.get("vigil.dynamodb.writes.retries").counter().count())
                        .as("the outage was felt by the writer").isPositive();
            }
            run.assertMatchesReference(aws);
        }
    }
}
