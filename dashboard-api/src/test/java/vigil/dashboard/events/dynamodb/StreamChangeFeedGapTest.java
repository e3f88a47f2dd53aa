package vigil.dashboard.events.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.dashboard.TestApi;
import vigil.dashboard.alert.dynamodb.DynamoAlertStore;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.Principal;
import vigil.dashboard.auth.Role;
import vigil.dashboard.device.DeviceView;
import vigil.dashboard.events.ChangeFeed;
import vigil.feed.dynamodb.FaultyStreamsClient;
import vigil.feed.dynamodb.StreamClients;
import vigil.schema.AlertAttributes;
import vigil.schema.DeviceStateAttributes;
import vigil.schema.Tables;

/**
 * docs/change-feeds.md, "Gap": an alert change the stream lost (a reader stalled past its iterator or the retention)
 * must not leave the feed's open-alert map stale for good. The gap is played by calling the feed's gap handler, as
 * the alert tail does (StreamTailTest covers the tail reporting it), after a streams client dropped the change.
 */
class StreamChangeFeedGapTest {
    private static final String UNIT = "ICU-GAP";
    private static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** Collects the events of one caregiver of the unit. */
    private static final class Client implements ChangeFeed.Subscriber {
        final BlockingQueue<Object> devices = new LinkedBlockingQueue<>();
        private final Access access = new Access(
                new Principal("nurse-gap", Set.of(Role.CAREGIVER), Set.of(UNIT), Set.of()), Set.of(Role.CAREGIVER));

        @Override
        public Access access() {
            return access;
        }

        @Override
        public boolean send(String event, Object data) {
            if (event.equals("device")) {
                devices.add(data);
            }
            return true;
        }

        @Override
        public boolean keepAlive() {
            return true;
        }

        DeviceView nextDevice() throws InterruptedException {
            Object next = devices.poll(20, TimeUnit.SECONDS);
            assertThat(next).as("a device event").isInstanceOf(DeviceView.class);
            return (DeviceView) next;
        }
    }

    @Test
    void shouldShowTheAlertAsStoredAfterAGapThatLostItsChange() throws Exception {
        String deviceId = "PUMP-GAP1";
        String alertId = deviceId + ":DEVICE_OFFLINE:1790000000000";
        api.putDevice(deviceId, "infusion_pump", UNIT, Instant.parse("2026-12-05T08:00:00Z"));
        api.putAlert(alertId, deviceId, UNIT, "DEVICE_OFFLINE", "HIGH", "ACTIVE", 1_790_000_000_000L);
        api.setOpenAlerts(deviceId, alertId);
        FaultyStreamsClient streams = new FaultyStreamsClient(StreamClients.like(api.dynamo()));
        try (StreamChangeFeed feed = new StreamChangeFeed(api.dynamo(), streams, api.aws.tablePrefix(),
                new DynamoAlertStore(api.dynamo(), api.aws.tablePrefix()), Duration.ofMillis(50))) {
            Client client = new Client();
            feed.subscribe(client); // the open-alert map starts from the index: the alert ACTIVE

            streams.blind(true);
            acknowledge(alertId); // lost to the stream
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (streams.dropped() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(streams.dropped()).as("the acknowledgement's change was dropped").isPositive();
            streams.blind(false);

            arrive(deviceId, 1); // a device change: its event shows the map's view of the alert
            assertThat(client.nextDevice().openAlerts()).singleElement()
                    .satisfies(a -> assertThat(a.status()).as("stale before the gap is handled").isEqualTo("ACTIVE"));

            feed.rereadOpenAlerts(); // what the alert tail's gap report does
            arrive(deviceId, 2);
            assertThat(client.nextDevice().openAlerts()).singleElement()
                    .satisfies(a -> assertThat(a.status()).isEqualTo("ACKNOWLEDGED"));
        }
    }

    /** A new record's arrival (an update that changes nothing writes no stream record). */
    private static void arrive(String deviceId, long n) {
        api.dynamo().updateItem(b -> b.tableName(Tables.DEVICE_STATE.nameWith(api.aws.tablePrefix()))
                .key(Map.of(DeviceStateAttributes.DEVICE_ID, AttributeValue.fromS(deviceId)))
                .updateExpression("SET #a = :a")
                .expressionAttributeNames(Map.of("#a", DeviceStateAttributes.LAST_ARRIVAL_MILLIS))
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromN(Long.toString(1_790_000_000_000L + n)))));
    }

    private static void acknowledge(String alertId) {
        api.dynamo().updateItem(b -> b.tableName(Tables.ALERTS.nameWith(api.aws.tablePrefix()))
                .key(Map.of(AlertAttributes.ALERT_ID, AttributeValue.fromS(alertId)))
                .updateExpression("SET #s = :s, #n = :n")
                .expressionAttributeNames(Map.of("#s", AlertAttributes.STATUS, "#n", AlertAttributes.HISTORY_COUNT))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("ACKNOWLEDGED"),
                        ":n", AttributeValue.fromN("2"))));
    }
}
