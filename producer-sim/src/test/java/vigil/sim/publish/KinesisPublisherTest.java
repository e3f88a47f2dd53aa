package vigil.sim.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.sim.device.DeviceFleet;
import vigil.sim.device.SimulatedDevice;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.TelemetryDecoder;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/** The publisher against a real Kinesis emulator, with and without injected faults. Every test has its own stream. */
class KinesisPublisherTest {
    private static final long T0_MILLIS = 1_714_521_600_000L;
    private static final Duration FLUSH = Duration.ofSeconds(60);
    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static LocalAws aws;

    @BeforeAll
    static void startEmulators() {
        aws = LocalAws.start(LocalAwsConfig.defaults());
    }

    @AfterAll
    static void stopEmulators() {
        if (aws != null) {
            aws.close();
        }
    }

    @ParameterizedTest(name = "aggregate={0}")
    @ValueSource(booleans = {false, true})
    void shouldDeliverEveryRecordExactlyOnceInPerDeviceOrder(boolean aggregate) throws Exception {
        String stream = newStream();
        Map<String, List<Long>> sentSeqs;
        SinkStats stats;
        try (KinesisPublisher publisher =
                new KinesisPublisher(aws.kinesisClient(), mode(PublisherConfig.defaults(stream), aggregate))) {
            sentSeqs = submitDeviceRecords(publisher, 35, 15, 40); // 50 devices x 40 = 2,000 records
            assertThat(publisher.flush(FLUSH)).isTrue();
            stats = publisher.stats();
        }
        assertThat(stats.sent()).isEqualTo(2_000);
        assertThat(stats.queued()).isZero();
        assertThat(stats.undelivered()).isZero();
        assertEveryRecordOnceInDeviceOrder(stream, sentSeqs);
    }

    @ParameterizedTest(name = "aggregate={0}")
    @ValueSource(booleans = {false, true})
    void shouldLoseNothingAndKeepOrderWhenEntriesFailPartially(boolean aggregate) throws Exception {
        String stream = newStream();
        FaultInjectingKinesisClient flaky = new FaultInjectingKinesisClient(aws.kinesisClient(), 0.3, 0, 99L);
        Map<String, List<Long>> sentSeqs;
        SinkStats stats;
        // small aggregates, so that there are many Kinesis records to fail
        try (KinesisPublisher publisher = new KinesisPublisher(flaky, aggregate
                ? fastRetries(stream).withAggregation(PublisherConfig.MIN_AGGREGATE_BYTES) : fastRetries(stream))) {
            sentSeqs = submitDeviceRecords(publisher, 35, 15, 40);
            assertThat(publisher.flush(FLUSH)).isTrue();
            stats = publisher.stats();
        }
        if (aggregate) {
            // a failed aggregate sends all of its records again
            assertThat(flaky.injectedEntryFailures()).isGreaterThan(30);
            assertThat(stats.retriedEntries()).isGreaterThan(flaky.injectedEntryFailures());
        } else {
            // about 30 % of first attempts and of every retry fail: some 850 failed entries
            assertThat(flaky.injectedEntryFailures()).isGreaterThan(300);
            assertThat(stats.retriedEntries()).isEqualTo(flaky.injectedEntryFailures());
        }
        assertThat(stats.sent()).isEqualTo(2_000);
        assertEveryRecordOnceInDeviceOrder(stream, sentSeqs);
    }

    @ParameterizedTest(name = "aggregate={0}")
    @ValueSource(booleans = {false, true})
    void shouldRetryThrottledCallsWithoutLossOrReordering(boolean aggregate) throws Exception {
        String stream = newStream();
        FaultInjectingKinesisClient flaky = new FaultInjectingKinesisClient(aws.kinesisClient(), 0.1, 4, 7L);
        Map<String, List<Long>> sentSeqs;
        SinkStats stats;
        try (KinesisPublisher publisher = new KinesisPublisher(flaky, mode(fastRetries(stream), aggregate))) {
            sentSeqs = submitDeviceRecords(publisher, 10, 10, 50);
            assertThat(publisher.flush(FLUSH)).isTrue();
            stats = publisher.stats();
        }
        assertThat(flaky.injectedCallFailures()).isPositive();
        assertThat(stats.failedCalls()).isEqualTo(flaky.injectedCallFailures());
        assertThat(stats.sent()).isEqualTo(1_000);
        assertEveryRecordOnceInDeviceOrder(stream, sentSeqs);
    }

    @Test
    void shouldBlockSubmitWhileTheQueueIsFullAndStillDeliverEverythingInOrder() throws Exception {
        String stream = newStream();
        PublisherConfig config = PublisherConfig.defaults(stream).withMaxQueuedRecords(5).withMaxInFlightRequests(1);
        Map<String, List<Long>> sentSeqs;
        try (KinesisPublisher publisher = new KinesisPublisher(aws.kinesisClient(), config)) {
            sentSeqs = submitDeviceRecords(publisher, 2, 1, 100);
            assertThat(publisher.flush(FLUSH)).isTrue();
            assertThat(publisher.stats().sent()).isEqualTo(300);
        }
        assertEveryRecordOnceInDeviceOrder(stream, sentSeqs);
    }

    @Test
    void shouldFailAndCountEveryRecordUndeliveredWhenTheStreamDoesNotExist() throws Exception {
        try (KinesisPublisher publisher =
                new KinesisPublisher(aws.kinesisClient(), fastRetries("no-such-stream-" + STREAMS.incrementAndGet()))) {
            for (int i = 0; i < 10; i++) {
                publisher.submit("PUMP-000" + i, new byte[] {'{', '}'});
            }
            assertThatThrownBy(() -> publisher.flush(FLUSH))
                    .isInstanceOf(PublishFailedException.class)
                    .hasMessageContaining("not retryable")
                    .hasMessageContaining("undelivered");
            assertThat(publisher.stats().undelivered()).isEqualTo(10);
            assertThat(publisher.stats().sent()).isZero();
            assertThatThrownBy(() -> publisher.submit("PUMP-0001", new byte[] {'{', '}'}))
                    .isInstanceOf(PublishFailedException.class);
        }
    }

    @Test
    void shouldGiveUpAfterMaxAttemptsAndReportTheRecordsInsteadOfDroppingThem() throws Exception {
        String stream = newStream();
        FaultInjectingKinesisClient alwaysThrottled = new FaultInjectingKinesisClient(aws.kinesisClient(), 1.0, 0, 1L);
        try (KinesisPublisher publisher =
                new KinesisPublisher(alwaysThrottled, fastRetries(stream).withMaxAttemptsPerRecord(3))) {
            publisher.submit("PUMP-0001", new byte[] {'{', '}'});
            publisher.submit("PUMP-0001", new byte[] {'{', '}'});
            assertThatThrownBy(() -> publisher.flush(FLUSH))
                    .isInstanceOf(PublishFailedException.class)
                    .hasMessageContaining("PUMP-0001 failed 3 times");
            assertThat(publisher.stats().undelivered()).isEqualTo(2);
        }
        assertThat(KinesisStreams.readAll(aws.kinesisClient(), stream)).isEmpty();
    }

    @Test
    void shouldRejectARecordLargerThanOneMebibyteAtSubmit() throws Exception {
        try (KinesisPublisher publisher = new KinesisPublisher(aws.kinesisClient(), fastRetries(newStream()))) {
            byte[] tooLarge = new byte[PublisherConfig.KINESIS_MAX_RECORD_BYTES];
            assertThatThrownBy(() -> publisher.submit("PUMP-0001", tooLarge))
                    .isInstanceOf(RecordTooLargeException.class)
                    .hasMessageContaining("PUMP-0001");
            assertThat(publisher.stats().submitted()).isZero();
        }
    }

    @Test
    void shouldPackEachShardsRecordsIntoAggregatesThatKclKeepsWhole() throws Exception {
        String stream = newStream();
        PublisherConfig config = PublisherConfig.defaults(stream).withAggregation(4_096).withMaxInFlightRequests(1);
        Map<String, List<Long>> sentSeqs;
        SinkStats stats;
        try (KinesisPublisher publisher = new KinesisPublisher(aws.kinesisClient(), config)) {
            sentSeqs = submitDeviceRecords(publisher, 35, 15, 40); // 2,000 records of 250-450 bytes
            publisher.submit("PUMP-BIG", bigRecord(6_000)); // larger than an aggregate: goes plain
            assertThat(publisher.flush(FLUSH)).isTrue();
            stats = publisher.stats();
            assertThat(publisher.misrouted()).isEqualTo(new KinesisPublisher.Misrouted(0, 0));
        }
        assertThat(stats.sent()).isEqualTo(2_001);
        assertThat(stats.transportRecords()).as("aggregated").isLessThan(stats.sent() / 5);

        ShardMap.Snapshot shards = ShardMap.load(aws.kinesisClient(), stream).current();
        long kinesisRecords = 0;
        long userRecords = 0;
        AggregatorUtil aggregatorUtil = new AggregatorUtil();
        for (ShardMap.ShardRange shard : shards.open()) {
            for (Record r : KinesisStreams.readShard(aws.kinesisClient(), stream, shard.shardId())) {
                kinesisRecords++;
                byte[] data = r.data().asByteArray();
                List<KinesisClientRecord> users = aggregatorUtil.deaggregate(List.of(KinesisClientRecord.fromRecord(r)));
                userRecords += users.size();
                if (r.partitionKey().equals("PUMP-BIG")) {
                    assertThat(data).as("too large to aggregate: plain").hasSize(6_000);
                    continue;
                }
                // 4,096 bytes of user records with framing, plus the aggregate's magic and checksum
                assertThat(data.length).isLessThanOrEqualTo(4_096 + ShardAggregatingBatchPlanner.AGGREGATE_OVERHEAD_BYTES);
                for (KinesisClientRecord u : users) {
                    assertThat(shards.shardOf(ShardMap.hashKeyOf(u.partitionKey())))
                            .as("every user record of an aggregate hashes into the shard that holds it")
                            .isEqualTo(shard.shardId());
                }
            }
        }
        assertThat(kinesisRecords).isEqualTo(stats.transportRecords());
        assertThat(userRecords).isEqualTo(2_001);
        assertEveryRecordOnceInDeviceOrder(stream, sentSeqs, Set.of("PUMP-BIG"));
    }

    @Test
    void shouldResendTheRecordsOfAnAggregateThatAReshardSentIntoTheSiblingShard() throws Exception {
        String stream = newStream();
        PublisherConfig config = fastRetries(stream).withAggregation(PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES);
        List<SimulatedDevice> fleet = DeviceFleet.create(140, 60, List.of("ICU-4A"), "SIM-EDGE-01", 5L, 0);
        Map<String, List<Long>> sentSeqs = new HashMap<>();
        KinesisPublisher.Misrouted misrouted;
        SinkStats stats;
        try (KinesisPublisher publisher = new KinesisPublisher(aws.kinesisClient(), config)) {
            submitRounds(publisher, fleet, 0, 5, sentSeqs);
            assertThat(publisher.flush(FLUSH)).isTrue();
            splitEveryShardInTheMiddle(stream); // the publisher's shard map is now stale
            submitRounds(publisher, fleet, 5, 10, sentSeqs);
            assertThat(publisher.flush(FLUSH)).isTrue();
            misrouted = publisher.misrouted();
            stats = publisher.stats();
        }
        assertThat(misrouted.aggregates()).as("aggregates put into a child shard").isPositive();
        assertThat(misrouted.resentRecords()).as("records outside that child, sent again").isPositive();
        assertThat(stats.sent()).isEqualTo(2_000);
        // as KCL reads them: no aggregate dropped for a record outside its shard, nothing twice, each device in order
        assertThat(readSeqs(stream)).isEqualTo(sentSeqs);
    }

    @Test
    void shouldCountAnAggregateThatAMergeSentIntoTheMergedShardAsDeliveredWithoutSendingItAgain() throws Exception {
        String stream = newStream();
        PublisherConfig config = fastRetries(stream).withAggregation(PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES);
        List<SimulatedDevice> fleet = DeviceFleet.create(140, 60, List.of("ICU-4A"), "SIM-EDGE-01", 5L, 0);
        Map<String, List<Long>> sentSeqs = new HashMap<>();
        KinesisPublisher.Misrouted misrouted;
        try (KinesisPublisher publisher = new KinesisPublisher(aws.kinesisClient(), config)) {
            submitRounds(publisher, fleet, 0, 5, sentSeqs);
            assertThat(publisher.flush(FLUSH)).isTrue();
            // merge 0+1 and 2+3: every aggregate planned for a parent lands in a child that holds all of it
            List<ShardMap.ShardRange> parents = ShardMap.load(aws.kinesisClient(), stream).current().open();
            for (int i = 0; i < parents.size(); i += 2) {
                String left = parents.get(i).shardId();
                String right = parents.get(i + 1).shardId();
                aws.kinesisClient().mergeShards(b -> b.streamName(stream).shardToMerge(left).adjacentShardToMerge(right));
                KinesisStreams.awaitActive(aws.kinesisClient(), stream);
            }
            submitRounds(publisher, fleet, 5, 10, sentSeqs);
            assertThat(publisher.flush(FLUSH)).isTrue();
            misrouted = publisher.misrouted();
        }
        assertThat(misrouted.aggregates()).as("aggregates put into a merged shard").isPositive();
        assertThat(misrouted.resentRecords()).as("kept by KCL: nothing sent again").isZero();
        assertThat(readSeqs(stream)).as("every record once, in order").isEqualTo(sentSeqs);
    }

    @Test
    void shouldSendMisroutedAggregatesAgainWhileTheShardsCannotBeListedAndLoseNothing() throws Exception {
        String stream = newStream();
        FaultInjectingKinesisClient flaky = new FaultInjectingKinesisClient(aws.kinesisClient(), 0, 0, 1L);
        PublisherConfig config = fastRetries(stream).withAggregation(PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES);
        List<SimulatedDevice> fleet = DeviceFleet.create(140, 60, List.of("ICU-4A"), "SIM-EDGE-01", 5L, 0);
        Map<String, List<Long>> sentSeqs = new HashMap<>();
        KinesisPublisher.Misrouted misrouted;
        try (KinesisPublisher publisher = new KinesisPublisher(flaky, config)) {
            submitRounds(publisher, fleet, 0, 5, sentSeqs);
            assertThat(publisher.flush(FLUSH)).isTrue();
            splitEveryShardInTheMiddle(stream);
            flaky.failNextListShards(3);
            submitRounds(publisher, fleet, 5, 10, sentSeqs);
            assertThat(publisher.flush(FLUSH)).isTrue();
            misrouted = publisher.misrouted();
        }
        // How many listings the publisher attempts depends on how its resends group (a group of one device needs
        // none), so the test requires that listing failed at least once, not that all three failures were used.
        assertThat(flaky.injectedListShardsFailures()).isBetween(1L, 3L);
        assertThat(misrouted.resentRecords()).isPositive();
        // without a listing an aggregate KCL kept may be sent again: copies allowed (the consumer drops them by seq)
        Map<String, List<Long>> read = readSeqs(stream);
        read.replaceAll((device, seqs) -> firstDeliveries(seqs));
        assertThat(read).as("every record at least once, in order").isEqualTo(sentSeqs);
    }

    @Test
    void shouldRefuseToStartAggregatingForAStreamThatDoesNotExist() {
        PublisherConfig config = fastRetries("no-such-stream-" + STREAMS.incrementAndGet()).withAggregation(51_200);
        assertThatThrownBy(() -> new KinesisPublisher(aws.kinesisClient(), config).close())
                .isInstanceOf(ResourceNotFoundException.class);
    }

    // ---- helpers ----

    private static void splitEveryShardInTheMiddle(String stream) throws InterruptedException {
        for (ShardMap.ShardRange parent : ShardMap.load(aws.kinesisClient(), stream).current().open()) {
            String middle = parent.startingHashKey().add(parent.endingHashKey()).shiftRight(1).toString();
            aws.kinesisClient().splitShard(b -> b.streamName(stream)
                    .shardToSplit(parent.shardId())
                    .newStartingHashKey(middle));
            KinesisStreams.awaitActive(aws.kinesisClient(), stream);
        }
    }

    /** Seqs per device as a KCL consumer reads the stream (KinesisStreams.readAll), shards in listing order. */
    private static Map<String, List<Long>> readSeqs(String stream) {
        Map<String, List<Long>> readSeqs = new HashMap<>();
        TelemetryDecoder decoder = new TelemetryDecoder();
        for (KinesisStreams.ReadRecord r : KinesisStreams.readAll(aws.kinesisClient(), stream)) {
            TelemetryRecord record =
                    ((DecodeResult.Decoded) decoder.decode(r.data(), System.currentTimeMillis())).record();
            readSeqs.computeIfAbsent(record.deviceId(), k -> new ArrayList<>()).add(record.seq());
        }
        return readSeqs;
    }

    /** The seqs a consumer accepts: each one higher than every seq before it; copies of older ones are left out. */
    private static List<Long> firstDeliveries(List<Long> seqs) {
        List<Long> out = new ArrayList<>();
        for (Long seq : seqs) {
            if (out.isEmpty() || seq > out.get(out.size() - 1)) {
                out.add(seq);
            }
        }
        return out;
    }

    private static PublisherConfig mode(PublisherConfig config, boolean aggregate) {
        return aggregate ? config.withAggregation(PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES) : config;
    }

    private static byte[] bigRecord(int bytes) {
        byte[] data = new byte[bytes];
        java.util.Arrays.fill(data, (byte) 'x');
        return data;
    }

    private static void submitRounds(RecordSink sink, List<SimulatedDevice> fleet, int fromRound, int toRound,
            Map<String, List<Long>> seqs) throws InterruptedException {
        TelemetryEncoder encoder = new TelemetryEncoder();
        for (int round = fromRound; round < toRound; round++) {
            for (SimulatedDevice device : fleet) {
                TelemetryRecord record = device.next(T0_MILLIS + round * 1_000L);
                sink.submit(device.deviceId(), encoder.encode(record));
                seqs.computeIfAbsent(device.deviceId(), k -> new ArrayList<>()).add(record.seq());
            }
        }
    }

    private static PublisherConfig fastRetries(String stream) {
        return PublisherConfig.defaults(stream)
                .withBackoff(Duration.ofMillis(2), Duration.ofMillis(20))
                .withMaxAttemptsPerRecord(200);
    }

    private static String newStream() throws InterruptedException {
        String stream = "publisher-test-" + STREAMS.incrementAndGet();
        KinesisStreams.create(aws.kinesisClient(), stream, 4);
        return stream;
    }

    /** Real simulated records, devices taking turns; returns the seqs submitted per device, in order. */
    private static Map<String, List<Long>> submitDeviceRecords(RecordSink sink, int pumps, int dialysis, int each)
            throws InterruptedException {
        List<SimulatedDevice> fleet = DeviceFleet.create(pumps, dialysis, List.of("ICU-4A"), "SIM-EDGE-01", 5L, 0);
        Map<String, List<Long>> seqs = new HashMap<>();
        submitRounds(sink, fleet, 0, each, seqs);
        return seqs;
    }

    /** Nothing lost, nothing twice, each device's records in seq order on one shard, partition key = deviceId. */
    static void assertEveryRecordOnceInDeviceOrder(String stream, Map<String, List<Long>> expectedSeqs) {
        assertEveryRecordOnceInDeviceOrder(stream, expectedSeqs, Set.of());
    }

    /** As above, skipping records whose partition key is in {@code ignoredKeys} (not telemetry). */
    static void assertEveryRecordOnceInDeviceOrder(
            String stream, Map<String, List<Long>> expectedSeqs, Set<String> ignoredKeys) {
        TelemetryDecoder decoder = new TelemetryDecoder();
        Map<String, List<Long>> readSeqs = new HashMap<>();
        Map<String, String> shardOfDevice = new HashMap<>();
        for (KinesisStreams.ReadRecord r : KinesisStreams.readAll(aws.kinesisClient(), stream)) {
            if (ignoredKeys.contains(r.partitionKey())) {
                continue;
            }
            DecodeResult decoded = decoder.decode(r.data(), System.currentTimeMillis());
            assertThat(decoded).isInstanceOf(DecodeResult.Decoded.class);
            TelemetryRecord record = ((DecodeResult.Decoded) decoded).record();
            assertThat(r.partitionKey()).isEqualTo(record.deviceId());
            assertThat(shardOfDevice.computeIfAbsent(record.deviceId(), k -> r.shardId())).isEqualTo(r.shardId());
            readSeqs.computeIfAbsent(record.deviceId(), k -> new ArrayList<>()).add(record.seq());
        }
        assertThat(readSeqs).isEqualTo(expectedSeqs);
        assertThat(shardOfDevice.values()).as("devices spread over several shards").hasSizeGreaterThan(1);
    }
}
