package vigil.consumer.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.VigilConsumer;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.DeviceStateAttributes;
import vigil.schema.Tables;
import vigil.sim.publish.KplAggregator;
import vigil.sim.publish.KplAggregator.UserRecord;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.RejectReason;
import vigil.telemetry.TelemetryDecoder;
import vigil.telemetry.TelemetryEncoder;

/**
 * One batch through kinesalite, KCL and DynamoDB Local that mixes plain and KPL-aggregated Kinesis records, each
 * carrying valid, malformed and duplicate telemetry. Every valid user record must be applied exactly once, every
 * duplicate counted, every malformed one quarantined with its reason and its exact bytes, and none skipped.
 * One KCL start for the class (about 20-40 s on the local stack).
 */
class QuarantineEndToEndIT {
    private static final TelemetryEncoder ENCODER = new TelemetryEncoder();
    private static final int DEVICES = 4;
    private static final int RECORDS_PER_DEVICE = 6; // seq 0..5

    private static LocalAws aws;
    private static VigilConsumer consumer;

    /** What was sent, and what the consumer must make of it. */
    private final List<PutRecordsRequestEntry> entries = new ArrayList<>();
    private final Map<String, Expected> quarantineExpected = new HashMap<>(); // by "kinesisIndex:subSeq"
    private final Map<String, Integer> duplicatesPerDevice = new HashMap<>();
    private int userRecords;

    private record Expected(RejectReason reason, byte[] payload) {}

    @BeforeAll
    static void startStack() {
        // One shard: every user record of an aggregate must hash into the shard it is sent to (KplAggregator).
        aws = LocalAws.start(LocalAwsConfig.defaults().withShardCount(1));
        // The duplicate counts are asserted exactly: a 10-s failover keeps a stall of the loaded machine from
        // expiring the one worker's lease, whose retake would read records again and count more duplicates.
        ConsumerConfig config = ConsumerConfig.local(
                aws.kinesisEndpoint(), aws.dynamoDbEndpoint(), aws.streamName(), aws.tablePrefix())
                .withLeaseTuning(Duration.ofSeconds(10), ConsumerConfig.LeaseTuning.SHORT);
        consumer = VigilConsumer.start(config, LocalAws.credentials(), new SimpleMeterRegistry(), Clock.systemUTC());
    }

    @AfterAll
    static void stopStack() {
        if (consumer != null) {
            consumer.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    private static String device(int d) {
        return String.format("PUMP-%04d", d);
    }

    private static byte[] pump(String id, long seq, long tsMillis) {
        return ENCODER.encode(new PumpRecord(
                new Envelope(id, DeviceType.INFUSION_PUMP, seq, tsMillis, "LVP-200", "edge-07", "ICU-4A", "3.1", 2L),
                new PumpMetrics(PumpState.RUNNING, 100, seq, 500, 80, 90, true, "inf-1", 0.0, false)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void plain(String partitionKey, byte[] data, RejectReason reason) {
        if (reason != null) {
            quarantineExpected.put(entries.size() + ":0", new Expected(reason, data));
        }
        entries.add(PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .data(SdkBytes.fromByteArray(data))
                .build());
        userRecords++;
    }

    /** One aggregated Kinesis record; {@code reasons[i]} is null for a user record that must not be quarantined. */
    private void aggregated(List<UserRecord> users, RejectReason... reasons) {
        for (int i = 0; i < users.size(); i++) {
            if (reasons[i] != null) {
                quarantineExpected.put(entries.size() + ":" + i, new Expected(reasons[i], users.get(i).data()));
            }
        }
        entries.add(PutRecordsRequestEntry.builder()
                .partitionKey(users.get(0).partitionKey())
                .data(SdkBytes.fromByteArray(KplAggregator.aggregate(users)))
                .build());
        userRecords += users.size();
    }

    @Test
    void shouldApplyEveryValidRecordOnceAndQuarantineEveryMalformedOneWithItsReason() throws Exception {
        long now = System.currentTimeMillis();
        long ts0 = now - 60_000;
        String p0 = device(0);
        String p1 = device(1);
        String p2 = device(2);
        String p3 = device(3);

        // Plain records: seq 0..2 of every device, malformed ones of several reasons between them.
        for (int seq = 0; seq <= 2; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                plain(device(d), pump(device(d), seq, ts0 + seq * 1000L), null);
            }
            if (seq == 0) {
                String truncated = new String(pump(p0, 99, ts0), StandardCharsets.UTF_8);
                plain(p0, utf8(truncated.substring(0, truncated.length() / 2)), RejectReason.NOT_JSON);
                plain(p1, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, RejectReason.NOT_UTF8);
                plain(p2, utf8(new String(pump(p2, 99, ts0), StandardCharsets.UTF_8)
                        .replace("vigil.telemetry.v1", "vigil.telemetry.v2")), RejectReason.UNKNOWN_SCHEMA);
            }
            if (seq == 1) {
                plain(p3, utf8(new String(pump(p3, 99, ts0), StandardCharsets.UTF_8)
                        .replace("\"rateMlPerHr\":100.0", "\"rateMlPerHr\":5000")), RejectReason.OUT_OF_RANGE);
                plain(p0, utf8(new String(pump(p0, 99, ts0), StandardCharsets.UTF_8)
                        .replace("\"seq\":99", "\"seq\":\"99\"")), RejectReason.WRONG_TYPE);
                byte[] tooLarge = new byte[TelemetryDecoder.MAX_RECORD_BYTES + 1];
                Arrays.fill(tooLarge, (byte) ' ');
                plain(p1, tooLarge, RejectReason.TOO_LARGE);
            }
        }
        // Duplicates of already accepted records, sent again as plain records.
        plain(p0, pump(p0, 1, ts0 + 1000), null);
        plain(p1, pump(p1, 2, ts0 + 2000), null);
        duplicatesPerDevice.merge(p0, 1, Integer::sum);
        duplicatesPerDevice.merge(p1, 1, Integer::sum);

        // Aggregated records: seq 3..5, mixed with malformed and duplicate user records.
        aggregated(
                List.of(
                        UserRecord.of(p0, pump(p0, 3, ts0 + 3000)),
                        UserRecord.of(p1, pump(p1, 3, ts0 + 3000)),
                        UserRecord.of(p0, utf8("{\"schema\":\"vigil.telemetry.v1\",\"deviceId\":\"P\"}")),
                        UserRecord.of(p2, pump(p2, 3, ts0 + 3000)),
                        UserRecord.of(p3, pump(p3, 3, ts0 + 3000)),
                        UserRecord.of(p2, utf8("[1,2,3]")),
                        UserRecord.of(p0, pump(p0, 3, ts0 + 3000))), // duplicate inside the aggregate
                null, null, RejectReason.BAD_DEVICE_ID, null, null, RejectReason.NOT_JSON, null);
        duplicatesPerDevice.merge(p0, 1, Integer::sum);
        List<UserRecord> seq4and5 = new ArrayList<>();
        for (int seq = 4; seq <= 5; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                seq4and5.add(UserRecord.of(device(d), pump(device(d), seq, ts0 + seq * 1000L)));
            }
        }
        seq4and5.add(2, UserRecord.of(p3, utf8(new String(pump(p3, 98, ts0), StandardCharsets.UTF_8)
                .replace("\"deviceType\":\"infusion_pump\",", ""))));
        RejectReason[] reasons = new RejectReason[seq4and5.size()];
        reasons[2] = RejectReason.MISSING_FIELD;
        aggregated(seq4and5, reasons);
        // A duplicate of an aggregated user record, sent again as a plain record.
        plain(p3, pump(p3, 4, ts0 + 4000), null);
        duplicatesPerDevice.merge(p3, 1, Integer::sum);

        for (int from = 0; from < entries.size(); from += 500) {
            List<PutRecordsRequestEntry> batch = entries.subList(from, Math.min(entries.size(), from + 500));
            PutRecordsResponse r = aws.kinesisClient().putRecords(b -> b.streamName(aws.streamName()).records(batch));
            assertThat(r.failedRecordCount()).isZero();
        }
        List<String> sequenceNumbers = sequenceNumbersInOrder();

        Map<String, Map<String, AttributeValue>> states = awaitDevices(Duration.ofSeconds(180));
        List<Map<String, AttributeValue>> quarantine = awaitQuarantine(quarantineExpected.size(), Duration.ofSeconds(60));

        int accepted = 0;
        int duplicates = 0;
        for (int d = 0; d < DEVICES; d++) {
            Map<String, AttributeValue> s = states.get(device(d));
            assertThat(s).as(device(d)).isNotNull();
            assertThat(s.get(DeviceStateAttributes.LAST_SEQ).n()).as(device(d)).isEqualTo(
                    String.valueOf(RECORDS_PER_DEVICE - 1));
            assertThat(s.get(DeviceStateAttributes.COUNT_ACCEPTED).n()).as(device(d))
                    .isEqualTo(String.valueOf(RECORDS_PER_DEVICE)); // each valid record applied exactly once
            assertThat(number(s, DeviceStateAttributes.COUNT_DUPLICATE)).as(device(d))
                    .isEqualTo(duplicatesPerDevice.getOrDefault(device(d), 0));
            accepted += RECORDS_PER_DEVICE;
            duplicates += number(s, DeviceStateAttributes.COUNT_DUPLICATE);
        }

        Map<String, Map<String, AttributeValue>> byKey = new HashMap<>();
        for (Map<String, AttributeValue> item : quarantine) {
            byKey.put(item.get("recordKey").s(), item);
        }
        assertThat(byKey).hasSize(quarantineExpected.size());
        quarantineExpected.forEach((where, expected) -> {
            String[] parts = where.split(":");
            String recordKey = sequenceNumbers.get(Integer.parseInt(parts[0])) + ":" + parts[1];
            Map<String, AttributeValue> item = byKey.get(recordKey);
            assertThat(item).as("quarantined " + recordKey + " (" + expected.reason() + ")").isNotNull();
            assertThat(item.get("reason").s()).as(recordKey).isEqualTo(expected.reason().name());
            assertThat(item.get("payload").b().asByteArray()).as(recordKey).isEqualTo(expected.payload());
            assertThat(item.get("subSequenceNumber").n()).isEqualTo(parts[1]);
        });
        // Nothing skipped: every user record is accounted for exactly once.
        System.out.printf("%d Kinesis records, %d user records: %d accepted, %d duplicates, %d quarantined%n",
                entries.size(), userRecords, accepted, duplicates, quarantine.size());
        assertThat(accepted + duplicates + quarantine.size()).isEqualTo(userRecords);
    }

    private static int number(Map<String, AttributeValue> item, String attribute) { // absent counts are 0
        AttributeValue v = item.get(attribute);
        return v == null ? 0 : Integer.parseInt(v.n());
    }

    /** The Kinesis sequence number of each sent entry, in sending order (one shard: the stream's order). */
    private List<String> sequenceNumbersInOrder() {
        String shardId = aws.kinesisClient().listShards(b -> b.streamName(aws.streamName())).shards().get(0).shardId();
        String iterator = aws.kinesisClient()
                .getShardIterator(b -> b.streamName(aws.streamName()).shardId(shardId)
                        .shardIteratorType("TRIM_HORIZON"))
                .shardIterator();
        List<String> out = new ArrayList<>();
        for (int reads = 0; out.size() < entries.size() && iterator != null && reads < 20; reads++) {
            String it = iterator;
            var response = aws.kinesisClient().getRecords(b -> b.shardIterator(it).limit(1000));
            response.records().forEach(r -> out.add(r.sequenceNumber()));
            iterator = response.nextShardIterator();
        }
        assertThat(out).hasSize(entries.size());
        return out;
    }

    /** Polls the device states until every device shows its last seq, all accepted and all duplicates counted. */
    private Map<String, Map<String, AttributeValue>> awaitDevices(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Map<String, AttributeValue>> seen = new HashMap<>();
        while (System.nanoTime() < deadline) {
            seen.clear();
            for (var item : aws.dynamoDbClient()
                    .scan(b -> b.tableName(Tables.DEVICE_STATE.nameWith(aws.tablePrefix())))
                    .items()) {
                seen.put(item.get(DeviceStateAttributes.DEVICE_ID).s(), item);
            }
            if (seen.size() == DEVICES && seen.values().stream().allMatch(this::isComplete)) {
                return seen;
            }
            Thread.sleep(250);
        }
        return seen;
    }

    private boolean isComplete(Map<String, AttributeValue> state) {
        String id = state.get(DeviceStateAttributes.DEVICE_ID).s();
        return number(state, DeviceStateAttributes.COUNT_ACCEPTED) >= RECORDS_PER_DEVICE
                && number(state, DeviceStateAttributes.COUNT_DUPLICATE) >= duplicatesPerDevice.getOrDefault(id, 0);
    }

    private static List<Map<String, AttributeValue>> awaitQuarantine(int expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Map<String, AttributeValue>> items = List.of();
        while (System.nanoTime() < deadline) {
            items = aws.dynamoDbClient()
                    .scan(b -> b.tableName(Tables.QUARANTINE.nameWith(aws.tablePrefix())))
                    .items();
            if (items.size() >= expected) {
                return items;
            }
            Thread.sleep(250);
        }
        return items;
    }
}
