package vigil.dashboard.device;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.dashboard.device.DeviceAccessTest.ids;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vigil.dashboard.TestApi;
import vigil.dashboard.auth.TokenSpec;

/** GET /api/v1/devices: order, paging, filters and parameter errors. */
class DeviceListTest {
    private static TestApi api;
    private static String admin;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        admin = api.token(TokenSpec.deviceAdmin("biomed-list"));
        // Seven devices; arrival order is deliberately not the id order. Newest first:
        // DEV-05 (+60s), DEV-02 (+50s), DEV-07 (+40s), DEV-01 (+30s), DEV-03 and DEV-06 (+20s, tie), DEV-04 (+10s)
        api.putDevice("DEV-01", "infusion_pump", "ICU-4A", TestApi.BASE_ARRIVAL.plusSeconds(30));
        api.putDevice("DEV-02", "dialysis", "DIALYSIS-2", TestApi.BASE_ARRIVAL.plusSeconds(50));
        api.putDevice("DEV-03", "infusion_pump", "ICU-4A", TestApi.BASE_ARRIVAL.plusSeconds(20));
        api.putDevice("DEV-04", "dialysis", "DIALYSIS-2", TestApi.BASE_ARRIVAL.plusSeconds(10));
        api.putDevice("DEV-05", "infusion_pump", "ICU-4B", TestApi.BASE_ARRIVAL.plusSeconds(60));
        api.putDevice("DEV-06", "infusion_pump", "ICU-4A", TestApi.BASE_ARRIVAL.plusSeconds(20));
        api.putDevice("DEV-07", "dialysis", "ICU-4A", TestApi.BASE_ARRIVAL.plusSeconds(40));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void shouldListNewestArrivalFirstWithDeviceIdBreakingTies() {
        JsonNode list = api.get("/api/v1/devices", admin).json();

        assertThat(ids(list)).containsExactly("DEV-05", "DEV-02", "DEV-07", "DEV-01", "DEV-03", "DEV-06", "DEV-04");
        assertThat(list.has("nextCursor")).isFalse();
    }

    @Test
    void shouldPageThroughAllDevicesWithCursorAndLimit() {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            String path = "/api/v1/devices?limit=3" + (cursor == null ? "" : "&cursor=" + cursor);
            TestApi.Reply reply = api.get(path, admin);
            assertThat(reply.status).isEqualTo(200);
            JsonNode list = reply.json();
            pages.add(ids(list));
            cursor = list.has("nextCursor") ? list.get("nextCursor").asText() : null;
        } while (cursor != null && pages.size() < 10);

        assertThat(pages).containsExactly(
                List.of("DEV-05", "DEV-02", "DEV-07"),
                List.of("DEV-01", "DEV-03", "DEV-06"),
                List.of("DEV-04"));
    }

    @Test
    void shouldOmitNextCursorWhenTheLastPageIsExactlyFull() {
        JsonNode first = api.get("/api/v1/devices?limit=4", admin).json();
        JsonNode second = api.get("/api/v1/devices?limit=3&cursor=" + first.get("nextCursor").asText(), admin).json();

        assertThat(ids(second)).containsExactly("DEV-03", "DEV-06", "DEV-04");
        assertThat(second.has("nextCursor")).isFalse();
    }

    @Test
    void shouldFilterByCareUnitAndType() {
        assertThat(ids(api.get("/api/v1/devices?careUnit=ICU-4A", admin).json()))
                .containsExactly("DEV-07", "DEV-01", "DEV-03", "DEV-06");
        assertThat(ids(api.get("/api/v1/devices?type=dialysis", admin).json()))
                .containsExactly("DEV-02", "DEV-07", "DEV-04");
        assertThat(ids(api.get("/api/v1/devices?careUnit=ICU-4A&type=infusion_pump&limit=2", admin).json()))
                .containsExactly("DEV-01", "DEV-03");
    }

    @Test
    void shouldPageACaregiversFilteredListWithinItsScope() {
        String nurse = api.token(TokenSpec.caregiver("nurse-list", "ICU-4A"));

        JsonNode first = api.get("/api/v1/devices?type=infusion_pump&limit=2", nurse).json();
        JsonNode second =
                api.get("/api/v1/devices?type=infusion_pump&limit=2&cursor=" + first.get("nextCursor").asText(), nurse)
                        .json();

        assertThat(ids(first)).containsExactly("DEV-01", "DEV-03");
        assertThat(ids(second)).containsExactly("DEV-06");
    }

    @Test
    void shouldListNoDeviceAsAlertingWhileNoAlertsAreStored() {
        assertThat(ids(api.get("/api/v1/devices?status=alerting", admin).json())).isEmpty();
        assertThat(ids(api.get("/api/v1/devices?status=all", admin).json())).hasSize(7);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "limit=0, limit",
        "limit=501, limit",
        "limit=abc, limit",
        "limit=3&limit=4, limit",
        "type=ventilator, type",
        "status=open, status",
        "careUnit=ICU%204A, careUnit",
        "cursor=not-a-cursor, cursor",
        "cursor=djE6MTIzOg, cursor"
    })
    void shouldAnswer400ProblemNamingTheBadParameter(String query, String field) {
        TestApi.Reply reply = api.get("/api/v1/devices?" + query, admin);

        assertThat(reply.status).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.get("type").asText()).isEqualTo("about:blank");
        assertThat(problem.get("title").asText()).isEqualTo("Bad Request");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(problem.get("errors")).hasSize(1);
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo(field);
        assertThat(problem.get("errors").get(0).get("message").asText()).isNotBlank();
    }

    @Test
    void shouldListEveryBadParameterInOneProblem() {
        JsonNode problem = api.get("/api/v1/devices?limit=0&type=x&status=y", admin).json();

        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("limit", "type", "status");
    }

    @Test
    void shouldAcceptTheMaximumLimit() {
        assertThat(api.get("/api/v1/devices?limit=500", admin).status).isEqualTo(200);
    }
}
