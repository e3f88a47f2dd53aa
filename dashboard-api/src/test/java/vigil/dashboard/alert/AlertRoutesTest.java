package vigil.dashboard.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.dashboard.TestApi;
import vigil.dashboard.auth.TokenSpec;

/** Alert list (open index, scope, order, paging) and the acknowledgement lifecycle. */
class AlertRoutesTest {
    private static final long T0 = 1_790_000_000_000L;
    private static TestApi api;
    private static String nurse;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        nurse = api.token(TokenSpec.caregiver("nurse-1", "ICU-4A"));
        for (int i = 0; i < 5; i++) {
            api.putAlert("PUMP-00" + i + ":DEVICE_OFFLINE:" + (T0 + i), "PUMP-00" + i, "ICU-4A", "DEVICE_OFFLINE",
                    "HIGH", "ACTIVE", T0 + i);
        }
        api.putAlert("PUMP-900:FILTER_LIFE:" + T0, "PUMP-900", "WARD-3B", "FILTER_LIFE", "LOW", "ACTIVE", T0);
        api.putAlert("PUMP-005:DEVICE_OFFLINE:" + (T0 - 10), "PUMP-005", "ICU-4A", "DEVICE_OFFLINE", "LOW",
                "CLEARED", T0 - 10);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void shouldListOpenAlertsOfTheCallersCareUnitsNewestFirstAcrossPages() {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/api/v1/alerts?status=open&limit=2"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), nurse)
                    .json();
            page.get("items").forEach(a -> ids.add(a.get("alertId").asText()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        assertThat(ids).filteredOn(id -> id.startsWith("PUMP-00") && id.endsWith(String.valueOf(T0 + 4)))
                .hasSize(1);
        assertThat(ids).doesNotContain("PUMP-900:FILTER_LIFE:" + T0) // other care unit
                .doesNotContain("PUMP-005:DEVICE_OFFLINE:" + (T0 - 10)); // cleared
        List<String> ours = ids.stream().filter(id -> id.contains(":DEVICE_OFFLINE:" + T0 / 1000)).toList();
        assertThat(ours).isSortedAccordingTo((a, b) -> b.compareTo(a));
        JsonNode all = api.get("/api/v1/alerts?status=all", nurse).json();
        assertThat(all.toString()).contains("PUMP-005:DEVICE_OFFLINE:" + (T0 - 10));
        JsonNode admin = api.get("/api/v1/alerts", api.token(TokenSpec.deviceAdmin("biomed"))).json();
        assertThat(admin.toString()).contains("PUMP-900:FILTER_LIFE:" + T0);
        assertThat(api.get("/api/v1/alerts?status=bogus&since=yesterday", nurse).json().get("errors")).hasSize(2);
    }

    @Test
    void shouldAcknowledgeActiveThenRefuseASecondAcknowledgementWith409() {
        String id = "PUMP-A1:INFUSION_NEAR_END:" + T0;
        api.putAlert(id, "PUMP-A1", "ICU-4A", "INFUSION_NEAR_END", "MEDIUM", "ACTIVE", T0);
        TestApi.Reply ack = api.request("POST", "/api/v1/alerts/" + id + "/ack", nurse, "{\"note\":\"bag changed\"}");
        assertThat(ack.status).isEqualTo(200);
        JsonNode a = ack.json();
        assertThat(a.get("status").asText()).isEqualTo("ACKNOWLEDGED");
        assertThat(a.get("ackBy").asText()).isEqualTo("nurse-1");
        assertThat(a.get("ackNote").asText()).isEqualTo("bag changed");
        assertThat(a.get("history")).hasSize(2);
        assertThat(a.get("history").get(1).get("change").asText()).isEqualTo("ACKNOWLEDGED");
        assertThat(api.request("POST", "/api/v1/alerts/" + id + "/ack", nurse, null).status).isEqualTo(409);
        // Still open: acknowledged alerts stay in the open list until their clear condition.
        assertThat(api.get("/api/v1/alerts", nurse).body).contains(id);
    }

    @Test
    void shouldClearALatchedAlertOnAcknowledgementAndTakeItOutOfTheOpenList() {
        String id = "PUMP-L1:DEVICE_OFFLINE:" + T0;
        api.putAlert(id, "PUMP-L1", "ICU-4A", "DEVICE_OFFLINE", "HIGH", "LATCHED", T0);
        TestApi.Reply ack = api.request("POST", "/api/v1/alerts/" + id + "/ack", nurse, "{}");
        assertThat(ack.status).isEqualTo(200);
        assertThat(ack.json().get("status").asText()).isEqualTo("CLEARED");
        assertThat(ack.json().get("clearedAt").isNull()).isFalse();
        assertThat(api.get("/api/v1/alerts?status=open", nurse).body).doesNotContain(id);
        TestApi.Reply again = api.request("POST", "/api/v1/alerts/" + id + "/ack", nurse, "{}");
        assertThat(again.status).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).contains("cleared");
    }

    @Test
    void shouldLetOnlyOneOfTwoConcurrentAcknowledgementsSucceed() throws Exception {
        String id = "PUMP-C1:BATTERY_DEPLETION:" + T0;
        api.putAlert(id, "PUMP-C1", "ICU-4A", "BATTERY_DEPLETION", "MEDIUM", "ACTIVE", T0);
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<Integer>> acks = new ArrayList<>();
        for (String who : List.of("nurse-a", "nurse-b")) {
            String token = api.token(TokenSpec.caregiver(who, "ICU-4A"));
            acks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return api.request("POST", "/api/v1/alerts/" + id + "/ack", token, "{}").status;
            }));
        }
        assertThat(List.of(acks.get(0).get(), acks.get(1).get())).containsExactlyInAnyOrder(200, 409);
        JsonNode stored = api.get("/api/v1/alerts?status=all", nurse).json();
        for (JsonNode a : stored.get("items")) {
            if (a.get("alertId").asText().equals(id)) {
                assertThat(a.get("history")).as("one acknowledgement in the history").hasSize(2);
            }
        }
    }

    @Test
    void shouldShowOpenAlertsWithTheDevice() {
        String id = "PUMP-D1:DEVICE_OFFLINE:" + T0;
        api.putDevice("PUMP-D1", "infusion_pump", "ICU-4A", Instant.now());
        api.putAlert(id, "PUMP-D1", "ICU-4A", "DEVICE_OFFLINE", "HIGH", "ACTIVE", T0);
        api.setOpenAlerts("PUMP-D1", id);
        JsonNode d = api.get("/api/v1/devices/PUMP-D1", nurse).json();
        assertThat(d.get("openAlerts")).hasSize(1);
        assertThat(d.get("openAlerts").get(0).get("priority").asText()).isEqualTo("HIGH");
        JsonNode alerting = api.get("/api/v1/devices?status=alerting", nurse).json();
        assertThat(alerting.toString()).contains("PUMP-D1");
    }
}
