package vigil.sim.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** The aggregating planner on fabricated shard maps: Kinesis limits, shard purity, per-device prefixes. */
class ShardAggregatingBatchPlannerTest {
    private static final BigInteger KEY_SPACE = BigInteger.ONE.shiftLeft(128);

    @Test
    void shouldStopAtFiveHundredKinesisRecordsWhenEveryDeviceHasItsOwnShard() {
        ShardMap.Snapshot shards = evenShards(2_000);
        ArrayDeque<DeviceQueue> ready = queues(3_000, 1, 300);
        List<DeviceQueue> all = List.copyOf(ready);

        List<PutEntry> call = planner(shards, config(500, 51_200)).take(ready);

        assertThat(call).hasSize(500);
        assertCallWithinLimits(call, shards, config(500, 51_200));
        long inFlight = all.stream().filter(q -> q.state == DeviceQueue.State.IN_FLIGHT).count();
        assertThat(inFlight).isEqualTo(call.stream().mapToLong(e -> e.members().size()).sum());
        assertThat(ready).allMatch(q -> q.state == DeviceQueue.State.READY); // the rest wait, untouched
        assertThat(ready.size() + inFlight).isEqualTo(3_000);
    }

    @Test
    void shouldSendRecordsLargerThanAnAggregatePlainAndStopBeforeFiveMebibytes() {
        ShardMap.Snapshot shards = evenShards(4);
        ArrayDeque<DeviceQueue> ready = queues(10, 1, 900_000);

        List<PutEntry> call = planner(shards, config(500, 51_200)).take(ready);

        // 900,000 + key bytes each: five fit in 5 MiB (5,242,880), six do not
        assertThat(call).hasSize(5).allMatch(e -> !e.aggregated());
        assertCallWithinLimits(call, shards, config(500, 51_200));
        assertThat(ready).hasSize(5);
    }

    @Test
    void shouldSendARecordOfNearlyOneMebibyteAloneAndPlain() {
        ShardMap.Snapshot shards = evenShards(1);
        ArrayDeque<DeviceQueue> ready = queues(2, 3, PublisherConfig.KINESIS_MAX_RECORD_BYTES - 20);

        List<PutEntry> call = planner(shards, config(500, PublisherConfig.MAX_AGGREGATE_BYTES)).take(ready);

        // each device's head alone, plain; their second records wait for the next call
        assertThat(call).hasSize(2).allMatch(e -> !e.aggregated());
        assertCallWithinLimits(call, shards, config(500, PublisherConfig.MAX_AGGREGATE_BYTES));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void shouldKeepEveryLimitAndInvariantOnRandomQueues(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 25; round++) {
            ShardMap.Snapshot shards = evenShards(1 + random.nextInt(40));
            PublisherConfig config = config(1 + random.nextInt(500), PublisherConfig.MIN_AGGREGATE_BYTES
                    + random.nextInt(PublisherConfig.MAX_AGGREGATE_BYTES - PublisherConfig.MIN_AGGREGATE_BYTES));
            boolean large = random.nextInt(4) == 0; // now and then records of up to 400 kB, fewer of them
            ArrayDeque<DeviceQueue> ready = large
                    ? randomQueues(1 + random.nextInt(30), 1 + random.nextInt(3), 400_000, random)
                    : randomQueues(1 + random.nextInt(600), 1 + random.nextInt(12), 2_000, random);
            Map<DeviceQueue, List<PendingRecord>> before = new HashMap<>();
            for (DeviceQueue q : ready) {
                before.put(q, List.copyOf(q.records));
            }
            BatchPlanner planner = planner(shards, config);

            while (!ready.isEmpty()) { // plan calls until every queue is in flight
                List<PutEntry> call = planner.take(ready);
                assertThat(call).as("seed %d: a call from a non-empty line", seed).isNotEmpty();
                assertCallWithinLimits(call, shards, config);
                for (PutEntry e : call) {
                    for (PutEntry.Member m : e.members()) {
                        // a prefix of the queue, in queue order
                        assertThat(m.records()).isEqualTo(before.get(m.queue()).subList(0, m.records().size()));
                    }
                }
            }
        }
    }

    /** Kinesis limits, one aggregate per device per call, and every member in the aggregate's shard. */
    private static void assertCallWithinLimits(List<PutEntry> call, ShardMap.Snapshot shards, PublisherConfig config) {
        assertThat(call.size()).isLessThanOrEqualTo(config.maxBatchRecords());
        long callBytes = 0;
        Set<DeviceQueue> devices = new HashSet<>();
        for (PutEntry e : call) {
            PutRecordsRequestEntry request = e.toRequestEntry();
            long recordBytes = request.data().asByteArrayUnsafe().length + request.partitionKey().length();
            assertThat(recordBytes).isLessThanOrEqualTo(PublisherConfig.KINESIS_MAX_RECORD_BYTES);
            callBytes += recordBytes;
            for (PutEntry.Member m : e.members()) {
                assertThat(devices.add(m.queue())).as("a device in two Kinesis records of one call").isTrue();
                assertThat(m.queue().state).isEqualTo(DeviceQueue.State.IN_FLIGHT);
                assertThat(m.records()).isNotEmpty();
            }
            if (e.aggregated()) {
                assertThat(request.data().asByteArrayUnsafe().length).isLessThanOrEqualTo(
                        config.maxAggregateBytes() + ShardAggregatingBatchPlanner.AGGREGATE_OVERHEAD_BYTES);
                assertThat(ShardMap.hashKeyOf(request.partitionKey())).satisfies(
                        k -> assertThat(shards.shardOf(k)).isEqualTo(e.expectedShardId()));
                for (PutEntry.Member m : e.members()) {
                    assertThat(shards.shardOf(m.queue().hashKey())).isEqualTo(e.expectedShardId());
                }
            }
        }
        assertThat(callBytes).isLessThanOrEqualTo(PublisherConfig.KINESIS_MAX_BATCH_BYTES);
    }

    private static BatchPlanner planner(ShardMap.Snapshot shards, PublisherConfig config) {
        return new ShardAggregatingBatchPlanner(() -> shards, config);
    }

    private static PublisherConfig config(int maxBatchRecords, int maxAggregateBytes) {
        return PublisherConfig.defaults("s").withMaxBatchRecords(maxBatchRecords).withAggregation(maxAggregateBytes);
    }

    /** {@code n} open shards splitting the hash key space evenly, as CreateStream does. */
    private static ShardMap.Snapshot evenShards(int n) {
        List<ShardMap.ShardRange> open = new ArrayList<>();
        Map<String, ShardMap.ShardRange> all = new HashMap<>();
        BigInteger width = KEY_SPACE.divide(BigInteger.valueOf(n));
        for (int i = 0; i < n; i++) {
            BigInteger start = width.multiply(BigInteger.valueOf(i));
            BigInteger end = i == n - 1 ? KEY_SPACE.subtract(BigInteger.ONE) : start.add(width).subtract(BigInteger.ONE);
            ShardMap.ShardRange range = new ShardMap.ShardRange("shardId-" + i, start, end);
            open.add(range);
            all.put(range.shardId(), range);
        }
        return new ShardMap.Snapshot(7, List.copyOf(open), Map.copyOf(all));
    }

    /** READY queues of devices {@code DEV-00001..}, each with {@code records} records of {@code bytes} bytes. */
    private static ArrayDeque<DeviceQueue> queues(int devices, int records, int bytes) {
        ArrayDeque<DeviceQueue> ready = new ArrayDeque<>();
        for (int d = 1; d <= devices; d++) {
            ready.addLast(queue(d, records, r -> bytes));
        }
        return ready;
    }

    /** As {@link #queues(int, int, int)}, with 1..maxRecords records of 1..maxBytes bytes each. */
    private static ArrayDeque<DeviceQueue> randomQueues(int devices, int maxRecords, int maxBytes,
            SplittableRandom random) {
        ArrayDeque<DeviceQueue> ready = new ArrayDeque<>();
        for (int d = 1; d <= devices; d++) {
            ready.addLast(queue(d, 1 + random.nextInt(maxRecords), r -> 1 + random.nextInt(maxBytes)));
        }
        return ready;
    }

    private static DeviceQueue queue(int device, int records, IntUnaryOperator bytesOfRecord) {
        DeviceQueue q = new DeviceQueue(String.format("DEV-%05d", device));
        for (int r = 0; r < records; r++) {
            int bytes = bytesOfRecord.applyAsInt(r);
            q.records.addLast(new PendingRecord(new byte[bytes], bytes + q.partitionKeyBytes, r));
        }
        q.state = DeviceQueue.State.READY;
        return q;
    }
}
