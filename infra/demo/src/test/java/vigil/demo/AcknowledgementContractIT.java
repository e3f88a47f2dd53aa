package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import vigil.consumer.ingest.ShardIngest;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.rules.Acknowledgement;
import vigil.consumer.state.dynamodb.DynamoAcknowledgementSource;
import vigil.consumer.state.dynamodb.DynamoEffectsWriter;
import vigil.dashboard.alert.AlertView;
import vigil.dashboard.alert.dynamodb.DynamoAlertStore;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.Tables;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryEncoder;

/**
 * The consumer half of the acknowledgement contract (vigil.schema.AlertAttributes) on DynamoDB Local: the API's own
 * store acknowledges; the consumer's engine and writer (ShardIngest, DynamoEffectsWriter) must never overwrite the
 * acknowledgement and must continue the alert's lifecycle from it. The alert is DEVICE_OFFLINE of a running pump
 * (HIGH, so latching: alerts-v1.md), driven by explicit arrival times.
 */
class AcknowledgementContractIT {
    private static final long T0 = 1_795_340_400_000L;
    private static final TelemetryEncoder ENCODER = new TelemetryEncoder();
    private static LocalAws aws;
    private static DynamoDbAsyncClient dynamo;
    private static DynamoAlertStore api;

    private final ConsumerMeters meters = new ConsumerMeters(new SimpleMeterRegistry());
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);

    @BeforeAll
    static void startDynamoDb() {
        aws = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis());
        dynamo = DynamoDbAsyncClient.builder()
                .region(LocalAws.REGION)
                .credentialsProvider(LocalAws.credentials())
                .endpointOverride(aws.dynamoDbEndpoint())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
        api = new DynamoAlertStore(aws.dynamoDbClient(), aws.tablePrefix());
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        aws.close();
    }

    @Test
    void shouldNotOverwriteAnAcknowledgementItDidNotKnowAndClearTheAlert() throws Exception {
        Fixture f = new Fixture("PUMP-0101");
        String id = f.raiseOffline();
        Instant ackAt = Instant.ofEpochMilli(T0 + 35_000).plusNanos(123_456); // the API's clock: sub-millisecond
        api.acknowledge(api.find(id).orElseThrow(), AlertView.ACKNOWLEDGED, "nurse-17", ackAt, "checked line");

        f.record(1, T0 + 40_000); // the device speaks again: the clear condition, unaware of the acknowledgement
        f.writeAlertsNow();

        AlertView stored = api.find(id).orElseThrow();
        assertThat(stored.status()).as("the acknowledged alert clears; it is not written back as LATCHED")
                .isEqualTo(AlertView.CLEARED);
        assertThat(stored.ackBy()).isEqualTo("nurse-17");
        assertThat(stored.ackNote()).isEqualTo("checked line");
        assertThat(stored.ackAt().toEpochMilli()).isEqualTo(ackAt.toEpochMilli());
        assertThat(actors(stored)).contains("nurse-17");
        assertNoStepTwice(stored);
        assertThat(meters.registry().counter("vigil.alerts.acknowledgements.applied").count()).isEqualTo(1);

        // A replay of the pre-acknowledgement state (a new owner restoring an older snapshot) is refused too.
        Fixture replay = new Fixture("PUMP-0101");
        replay.raiseOffline();
        assertThat(api.find(id).orElseThrow().status()).isEqualTo(AlertView.CLEARED);
        assertThat(api.find(id).orElseThrow().ackBy()).isEqualTo("nurse-17");
    }

    @Test
    void shouldContinueFromAcknowledgedWhenItLearnsOfTheAcknowledgementByPolling() throws Exception {
        Fixture f = new Fixture("PUMP-0102");
        String id = f.raiseOffline();
        api.acknowledge(api.find(id).orElseThrow(), AlertView.ACKNOWLEDGED, "nurse-3", Instant.ofEpochMilli(T0 + 36_000),
                null);

        f.pollAcknowledgements();
        f.writeAlertsNow(); // the engine's ACKNOWLEDGED: same acknowledgement, so the condition holds
        assertThat(api.find(id).orElseThrow().status()).isEqualTo(AlertView.ACKNOWLEDGED);
        assertThat(f.ingest.unacknowledgedOpenAlertIds()).isEmpty();

        f.record(1, T0 + 40_000); // clear condition on ACKNOWLEDGED: CLEARED, never LATCHED
        f.writeAlertsNow();
        AlertView stored = api.find(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(AlertView.CLEARED);
        assertThat(stored.history()).extracting(AlertView.Step::change)
                .containsExactly("RAISED", "ACKNOWLEDGED", "CLEARED");
        assertThat(meters.registry().counter("vigil.alerts.acknowledgements.applied").count())
                .as("no refused write was needed").isZero();
    }

    @Test
    void shouldClearALatchedAlertAcknowledgedInTheApiAndOpenANewOneOnTheNextRaise() throws Exception {
        Fixture f = new Fixture("PUMP-0103");
        String id = f.raiseOffline();
        f.record(1, T0 + 40_000); // clear condition on a HIGH alert: LATCHED
        f.writeAlertsNow();
        assertThat(api.find(id).orElseThrow().status()).isEqualTo(AlertView.LATCHED);
        api.acknowledge(api.find(id).orElseThrow(), AlertView.CLEARED, "nurse-5", Instant.ofEpochMilli(T0 + 45_000),
                "seen");

        f.pollAcknowledgements();
        f.writeAlertsNow();
        assertThat(api.find(id).orElseThrow().status()).isEqualTo(AlertView.CLEARED);
        assertThat(raw(id)).as("left the open index").doesNotContainKey("openCareUnit");

        f.ingest.onTick(T0 + 40_000 + 31_000); // silent again: a new alert may open now
        f.writeAlertsNow();
        String second = "PUMP-0103:DEVICE_OFFLINE:" + (T0 + 40_000);
        assertThat(api.find(second)).as("a new DEVICE_OFFLINE after the latched one was acknowledged").isPresent()
                .get().extracting(AlertView::status).isEqualTo(AlertView.ACTIVE);
        assertThat(api.find(id).orElseThrow().status()).isEqualTo(AlertView.CLEARED);
        assertNoStepTwice(api.find(id).orElseThrow());
    }

    /** One shard's engine and the consumer's real writer. */
    private final class Fixture {
        final String deviceId;
        final ShardIngest ingest;
        final DynamoEffectsWriter writer;

        Fixture(String deviceId) {
            this.deviceId = deviceId;
            this.ingest = new ShardIngest("shardId-000000000000", clock, meters);
            this.writer = new DynamoEffectsWriter(dynamo, aws.tablePrefix(), Duration.ofDays(1), meters);
        }

        /** A running pump's record, then 31 s of silence: DEVICE_OFFLINE HIGH, written. */
        String raiseOffline() throws Exception {
            record(0, T0);
            writeAlertsNow();
            ingest.onTick(T0 + 31_000);
            writeAlertsNow();
            String id = deviceId + ":DEVICE_OFFLINE:" + T0;
            assertThat(api.find(id)).as("raised and written").isPresent();
            return id;
        }

        void record(long seq, long atMillis) {
            PumpRecord r = new PumpRecord(
                    new Envelope(deviceId, DeviceType.INFUSION_PUMP, seq, atMillis, "LVP-200", "col-1", "ICU-4A",
                            "1.0", null),
                    new PumpMetrics(PumpState.RUNNING, 100, 10 + seq, 500, 80, 100, true, "inf-1", null, null));
            ingest.accept(ByteBuffer.wrap(ENCODER.encode(r)), "49" + (1000 + seq), 0, atMillis);
        }

        void writeAlertsNow() throws Exception {
            writer.writeDurably(ingest.drainEffects(true));
        }

        void pollAcknowledgements() {
            for (Acknowledgement ack : new DynamoAcknowledgementSource(dynamo, aws.tablePrefix())
                    .acknowledgementsOf(ingest.unacknowledgedOpenAlertIds())) {
                ingest.acknowledge(ack);
            }
        }
    }

    private static List<String> actors(AlertView a) {
        return a.history().stream().map(AlertView.Step::actor).toList();
    }

    private static void assertNoStepTwice(AlertView a) {
        Set<String> steps = new HashSet<>();
        for (AlertView.Step s : a.history()) {
            assertThat(steps.add(s.change() + "@" + s.at())).as("%s: %s twice", a.alertId(), s.change()).isTrue();
        }
    }

    private static Map<String, AttributeValue> raw(String alertId) {
        return aws.dynamoDbClient().getItem(GetItemRequest.builder()
                .tableName(Tables.ALERTS.nameWith(aws.tablePrefix()))
                .key(Map.of("alertId", AttributeValue.fromS(alertId))).consistentRead(true).build()).item();
    }
}
