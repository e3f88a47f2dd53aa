package vigil.sim.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

    @Test
    void shouldDeliverEveryRecordExactlyOnceInPerDeviceOrder() throws Exception {
        String stream = newStream();
        Map<String, List<Long>> sentSeqs;
        SinkStats stats;
        try (KinesisPublisher publisher = new KinesisPublisher(aws.kinesisClient(), PublisherConfig.defaults(stream))) {
            sentSeqs = submitDeviceRecords(publisher, 35, 15, 40); // 50 devices x 40 = 2,000 records
            assertThat(publisher.flush(FLUSH)).isTrue();
            stats = publisher.stats();
        }
        assertThat(stats.sent()).isEqualTo(2_000);
        assertThat(stats.queued()).isZero();
        assertThat(stats.undelivered()).isZero();
        assertEveryRecordOnceInDeviceOrder(stream, sentSeqs);
    }

    @Test
    void shouldLoseNothingAndKeepOrderWhenEntriesFailPartially() throws Exception {
        String stream = newStream();
        FaultInjectingKinesisClient flaky = new FaultInjectingKinesisClient(aws.kinesisClient(), 0.3, 0, 99L);
        Map<String, List<Long>> sentSeqs;
        SinkStats stats;
        try (KinesisPublisher publisher = new KinesisPublisher(flaky, fastRetries(stream))) {
            sentSeqs = submitDeviceRecords(publisher, 35, 15, 40);
            assertThat(publisher.flush(FLUSH)).isTrue();
            stats = publisher.stats();
        }
        // about 30 % of first attempts and of every retry fail: some 850 failed entries
        assertThat(flaky.injectedEntryFailures()).isGreaterThan(300);
        assertThat(stats.retriedEntries()).isEqualTo(flaky.injectedEntryFailures());
        assertThat(stats.sent()).isEqualTo(2_000);
        assertEveryRecordOnceInDeviceOrder(stream, sentSeqs);
    }

    @Test
    void shouldRetryThrottledCallsWithoutLossOrReordering() throws Exception {
        String stream = newStream();
        FaultInjectingKinesisClient flaky = new FaultInjectingKinesisClient(aws.kinesisClient(), 0.1, 4, 7L);
        Map<String, List<Long>> sentSeqs;
        SinkStats stats;
        try (KinesisPublisher publisher = new KinesisPublisher(flaky, fastRetries(stream))) {
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

    // ---- helpers ----

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
        TelemetryEncoder encoder = new TelemetryEncoder();
        Map<String, List<Long>> seqs = new HashMap<>();
        for (int round = 0; round < each; round++) {
            for (SimulatedDevice device : fleet) {
                TelemetryRecord record = device.next(T0_MILLIS + round * 1_000L);
                sink.submit(device.deviceId(), encoder.encode(record));
                seqs.computeIfAbsent(device.deviceId(), k -> new ArrayList<>()).add(record.seq());
            }
        }
        return seqs;
    }

    /** Nothing lost, nothing twice, each device's records in seq order on one shard, partition key = deviceId. */
    static void assertEveryRecordOnceInDeviceOrder(String stream, Map<String, List<Long>> expectedSeqs) {
        TelemetryDecoder decoder = new TelemetryDecoder();
        Map<String, List<Long>> readSeqs = new HashMap<>();
        Map<String, String> shardOfDevice = new HashMap<>();
        for (KinesisStreams.ReadRecord r : KinesisStreams.readAll(aws.kinesisClient(), stream)) {
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
