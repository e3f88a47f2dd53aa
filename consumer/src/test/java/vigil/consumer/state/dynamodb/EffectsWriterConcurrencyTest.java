package vigil.consumer.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.rules.DeviceFigures;
import vigil.consumer.state.PendingEffects;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.Tables;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;

/**
 * The effects writer's worker-wide limit on writes in flight, on DynamoDB Local with every PutItem held back a
 * little (so that writes overlap): several shards writing at once never have more than
 * {@link DynamoEffectsWriter#MAX_IN_FLIGHT} requests out together (the client's pool of 100 connections stays open
 * to KCL's lease renewals), the window is used (a new write starts when one ends, not after a whole chunk), and
 * every item is stored.
 */
class EffectsWriterConcurrencyTest {
    private static LocalAws aws;
    private static DynamoDbAsyncClient async;

    @BeforeAll
    static void start() {
        aws = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis());
        async = DynamoDbAsyncClient.builder()
                .endpointOverride(aws.dynamoDbEndpoint())
                .region(LocalAws.REGION)
                .credentialsProvider(LocalAws.credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(200))
                .build();
    }

    @AfterAll
    static void stop() {
        async.close();
        aws.close();
    }

    @Test
    void keepsAtMostTheLimitInFlightAcrossShardsAndStoresEverything() throws Exception {
        CountingClient counting = new CountingClient(async, 15);
        DynamoEffectsWriter writer = new DynamoEffectsWriter(counting, aws.tablePrefix(), Duration.ofDays(1),
                new ConsumerMeters(new SimpleMeterRegistry()));
        int shards = 4;
        int devicesPerShard = 150;
        ExecutorService pool = Executors.newFixedThreadPool(shards);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int shard = 0; shard < shards; shard++) {
                List<DeviceSnapshot> states = new ArrayList<>();
                for (int d = 0; d < devicesPerShard; d++) {
                    states.add(snapshot("PUMP-W" + shard + "-" + d, 1_714_521_600_000L));
                }
                calls.add(pool.submit(() -> {
                    writer.writeDurably(new PendingEffects(states, List.of()));
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counting.calls.get()).isEqualTo(shards * devicesPerShard);
        assertThat(counting.maxInFlight.get()).as("never more than the worker-wide limit")
                .isLessThanOrEqualTo(DynamoEffectsWriter.MAX_IN_FLIGHT);
        assertThat(counting.maxInFlight.get()).as("the limit is used, not one chunk per shard at a time")
                .isGreaterThan(DynamoEffectsWriter.MAX_IN_FLIGHT / 2);
        int stored = aws.dynamoDbClient().scan(b -> b.tableName(Tables.DEVICE_STATE.nameWith(aws.tablePrefix()))
                .select("COUNT")).count();
        assertThat(stored).isEqualTo(shards * devicesPerShard);
    }

    private static DeviceSnapshot snapshot(String deviceId, long tsMillis) {
        PumpRecord r = new PumpRecord(Envelope.of(deviceId, DeviceType.INFUSION_PUMP, 1, tsMillis),
                new PumpMetrics(PumpState.RUNNING, 125, 10, 500, 85, 97, true, "inf-1", null, null));
        return new DeviceSnapshot(deviceId, DeviceType.INFUSION_PUMP, r, 1, tsMillis, 1, 0, 0, 0, tsMillis,
                DeviceFigures.NONE);
    }

    /** The real client; each PutItem's answer is held back {@code delayMillis}; counts the requests out at once. */
    private static final class CountingClient implements DynamoDbAsyncClient {
        private final DynamoDbAsyncClient real;
        private final long delayMillis;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();

        CountingClient(DynamoDbAsyncClient real, long delayMillis) {
            this.real = real;
            this.delayMillis = delayMillis;
        }

        @Override
        public CompletableFuture<PutItemResponse> putItem(PutItemRequest request) {
            calls.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return real.putItem(request)
                    .thenCompose(response -> CompletableFuture.supplyAsync(() -> response,
                            CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS)))
                    .whenComplete((response, e) -> inFlight.decrementAndGet());
        }

        @Override
        public String serviceName() {
            return real.serviceName();
        }

        @Override
        public void close() {
            // the real client belongs to the test
        }
    }
}
