package vigil.consumer.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryEncoder;

/** The consumer on the real stack: kinesalite, KCL and DynamoDB Local. */
class ConsumerPipelineIT {
    private static LocalAws aws;
    private static VigilConsumer consumer;
    private static final TelemetryEncoder ENCODER = new TelemetryEncoder();

    @BeforeAll
    static void startStack() {
        aws = LocalAws.start(LocalAwsConfig.defaults().withShardCount(2));
        ConsumerConfig config = ConsumerConfig.local(
                aws.kinesisEndpoint(), aws.dynamoDbEndpoint(), aws.streamName(), aws.tablePrefix());
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

    private static byte[] pump(String id, long seq, long tsMillis) {
        return ENCODER.encode(new PumpRecord(
                new Envelope(id, DeviceType.INFUSION_PUMP, seq, tsMillis, null, null, "ICU-4A", null, null),
                new PumpMetrics(PumpState.RUNNING, 100, seq, 500, 80, 90, true, "inf-1", null, null)));
    }

    @Test
    void shouldWriteNewestStatePerDeviceAndQuarantineBadRecordsWithoutSkippingNeighbours() throws Exception {
        long startNanos = System.nanoTime();
        long now = System.currentTimeMillis();
        int devices = 20;
        int perDevice = 25;
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int seq = 0; seq < perDevice; seq++) {
            for (int d = 0; d < devices; d++) {
                String id = String.format("PUMP-%04d", d);
                entries.add(entry(id, pump(id, seq, now - (perDevice - seq) * 1000L)));
                if (seq == 10 && d % 5 == 0) { // malformed records in the middle of the devices' streams
                    entries.add(entry(id, ("{\"schema\":\"vigil.telemetry.v1\",\"deviceId\":\"" + id + "\"")
                            .getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        for (int from = 0; from < entries.size(); from += 500) {
            List<PutRecordsRequestEntry> batch = entries.subList(from, Math.min(entries.size(), from + 500));
            PutRecordsResponse r =
                    aws.kinesisClient().putRecords(b -> b.streamName(aws.streamName()).records(batch));
            assertThat(r.failedRecordCount()).isZero();
        }

        Map<String, Long> lastSeq = awaitStates(devices, perDevice - 1, Duration.ofSeconds(150));
        System.out.printf("first-to-last record durable %d ms after sending (includes KCL start-up)%n",
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
        assertThat(lastSeq).hasSize(devices).allSatisfy((id, seq) -> assertThat(seq).isEqualTo(perDevice - 1));

        // Written in the same batches as states but by other calls: a state may be durable before its batch's
        // quarantine items, so wait for them rather than read once.
        var quarantine = aws.dynamoDbClient()
                .scan(b -> b.tableName(Tables.QUARANTINE.nameWith(aws.tablePrefix())))
                .items();
        for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                quarantine.size() < 4 && System.nanoTime() < deadline; ) {
            Thread.sleep(200);
            quarantine = aws.dynamoDbClient()
                    .scan(b -> b.tableName(Tables.QUARANTINE.nameWith(aws.tablePrefix())))
                    .items();
        }
        assertThat(quarantine).hasSize(4);
        assertThat(quarantine).allSatisfy(item -> {
            assertThat(item.get("reason").s()).isEqualTo("NOT_JSON");
            assertThat(item.get("payload").b().asUtf8String()).startsWith("{\"schema\"");
            assertThat(item.get("expiresAt").n()).isNotBlank();
            assertThat(item.get("deviceId")).isNotNull(); // deviceId was readable before the syntax error
        });
        var p0 = aws.dynamoDbClient()
                .getItem(b -> b.tableName(Tables.DEVICE_STATE.nameWith(aws.tablePrefix()))
                        .key(Map.of("deviceId", AttributeValue.fromS("PUMP-0000"))))
                .item();
        assertThat(p0.get(DeviceStateAttributes.COUNT_REJECTED).n()).isEqualTo("1");
        assertThat(p0.get(DeviceStateAttributes.METRICS).m().get("state").s()).isEqualTo("running");
    }

    private static PutRecordsRequestEntry entry(String partitionKey, byte[] data) {
        return PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .data(SdkBytes.fromByteArray(data))
                .build();
    }

    private static Map<String, Long> awaitStates(int devices, long lastSeq, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> seen = new HashMap<>();
        while (System.nanoTime() < deadline) {
            seen.clear();
            for (var item : aws.dynamoDbClient()
                    .scan(b -> b.tableName(Tables.DEVICE_STATE.nameWith(aws.tablePrefix())))
                    .items()) {
                seen.put(item.get("deviceId").s(), Long.parseLong(item.get(DeviceStateAttributes.LAST_SEQ).n()));
            }
            if (seen.size() == devices && seen.values().stream().allMatch(s -> s == lastSeq)) {
                return seen;
            }
            Thread.sleep(250);
        }
        return seen;
    }
}
