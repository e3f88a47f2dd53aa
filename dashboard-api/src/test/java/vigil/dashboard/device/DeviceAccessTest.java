package vigil.dashboard.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vigil.dashboard.TestApi;
import vigil.dashboard.auth.TokenSpec;

/** api-v1.md roles and scoping for the device endpoints. */
class DeviceAccessTest {
    private static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        api.putDevice("PUMP-0001", "infusion_pump", "ICU-4A", TestApi.BASE_ARRIVAL);
        api.putDevice("DIAL-0002", "dialysis", "DIALYSIS-2", TestApi.BASE_ARRIVAL.plusSeconds(1));
        api.putDevice("PUMP-0003", "infusion_pump", "ICU-4B", TestApi.BASE_ARRIVAL.plusSeconds(2));
        api.putDevice("PUMP-0004", "infusion_pump", null, TestApi.BASE_ARRIVAL.plusSeconds(3));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void shouldShowCaregiverADeviceOfItsCareUnit() {
        TestApi.Reply reply = api.get("/api/v1/devices/PUMP-0001", api.token(TokenSpec.caregiver("nurse-1", "ICU-4A")));

        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.json().get("deviceId").asText()).isEqualTo("PUMP-0001");
    }

    @Test
    void shouldAnswerCaregiver404ForADeviceOfAnotherCareUnitExactlyLikeAnUnknownDevice() {
        String token = api.token(TokenSpec.caregiver("nurse-2", "ICU-4A"));

        TestApi.Reply outOfScope = api.get("/api/v1/devices/DIAL-0002", token);
        TestApi.Reply unknown = api.get("/api/v1/devices/DIAL-9999", token);

        assertThat(outOfScope.status).isEqualTo(404);
        assertThat(unknown.status).isEqualTo(404);
        assertThat(outOfScope.contentType()).startsWith("application/problem+json");
        assertThat(outOfScope.body).isEqualTo(unknown.body);
    }

    @Test
    void shouldAnswerCaregiver404ForADeviceWithoutCareUnit() {
        assertThat(api.get("/api/v1/devices/PUMP-0004", api.token(TokenSpec.caregiver("nurse-3", "ICU-4A"))).status)
                .isEqualTo(404);
    }

    @Test
    void shouldAnswer404ForADeviceIdThatCannotExist() {
        String admin = api.token(TokenSpec.deviceAdmin("biomed-0"));

        assertThat(api.get("/api/v1/devices/x", admin).status).isEqualTo(404);
        assertThat(api.get("/api/v1/devices/" + "A".repeat(300), admin).status).isEqualTo(404);
    }

    @Test
    void shouldListOnlyTheCaregiversCareUnits() {
        String token = api.token(TokenSpec.caregiver("nurse-4", "ICU-4A", "DIALYSIS-2"));

        assertThat(ids(api.get("/api/v1/devices", token).json())).containsExactly("DIAL-0002", "PUMP-0001");
    }

    @Test
    void shouldListNothingWhenCaregiverFiltersByAnotherCareUnit() {
        String token = api.token(TokenSpec.caregiver("nurse-5", "ICU-4A"));

        TestApi.Reply reply = api.get("/api/v1/devices?careUnit=ICU-4B", token);

        assertThat(reply.status).isEqualTo(200);
        assertThat(ids(reply.json())).isEmpty();
    }

    @Test
    void shouldShowDeviceAdminEveryDevice() {
        String token = api.token(TokenSpec.deviceAdmin("biomed-1"));

        assertThat(ids(api.get("/api/v1/devices", token).json()))
                .containsExactly("PUMP-0004", "PUMP-0003", "DIAL-0002", "PUMP-0001");
        for (String id : List.of("PUMP-0001", "DIAL-0002", "PUMP-0003", "PUMP-0004")) {
            assertThat(api.get("/api/v1/devices/" + id, token).status).isEqualTo(200);
        }
        assertThat(api.get("/api/v1/devices/PUMP-9999", token).status).isEqualTo(404);
    }

    @Test
    void shouldUseTheBroadestRoleWhenATokenHasSeveral() {
        TokenSpec both = new TokenSpec("biomed-nurse", List.of("caregiver", "device-admin"),
                List.of("ICU-4A"), List.of(), TokenSpec.DEFAULT_TTL);

        assertThat(api.get("/api/v1/devices/PUMP-0003", api.token(both)).status).isEqualTo(200);
    }

    static Stream<Arguments> forbiddenCalls() {
        List<Arguments> calls = new ArrayList<>();
        for (TokenSpec spec : List.of(
                TokenSpec.collector("collector-1", "*"),
                TokenSpec.collector("collector-2", "PUMP-0001"),
                TokenSpec.auditor("auditor-1"))) {
            for (String path : List.of("/api/v1/devices", "/api/v1/devices/PUMP-0001", "/api/v1/devices/PUMP-9999")) {
                calls.add(Arguments.of(spec.subject(), spec, path));
            }
        }
        return calls.stream();
    }

    @ParameterizedTest(name = "{0} GET {2}")
    @MethodSource("forbiddenCalls")
    void shouldAnswer403ToCollectorsAndAuditorsOnDeviceEndpoints(String name, TokenSpec spec, String path) {
        TestApi.Reply reply = api.get(path, api.token(spec));

        assertThat(reply.status).isEqualTo(403);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("title").asText()).isEqualTo("Forbidden");
    }

    @Test
    void shouldServeDerivedDeviceStateWithIsoTimesGroupedCountsAndNullFigures() {
        JsonNode device = api.get("/api/v1/devices/PUMP-0001", api.token(TokenSpec.deviceAdmin("biomed-2"))).json();

        assertThat(device.get("deviceType").asText()).isEqualTo("infusion_pump");
        assertThat(device.get("model").asText()).isEqualTo("LVP-200");
        assertThat(device.get("careUnit").asText()).isEqualTo("ICU-4A");
        assertThat(device.get("lastSeq").asLong()).isEqualTo(18231);
        assertThat(device.get("lastTs").asText()).isEqualTo("2026-11-22T07:59:59.750Z");
        assertThat(device.get("lastArrivalAt").asText()).isEqualTo("2026-11-22T08:00:00.000Z");
        assertThat(device.get("metrics").get("rateMlPerHour").isNumber()).isTrue();
        assertThat(device.get("metrics").get("rateMlPerHour").decimalValue()).isEqualByComparingTo("125.5");
        assertThat(device.get("metrics").get("state").asText()).isEqualTo("running");
        assertThat(device.get("metrics").get("onMains").asBoolean()).isTrue();
        for (String figure : List.of("flowErrorPct", "pressureOffsetMmHg", "conductivityDivergenceMsCm",
                "temperatureDivergenceC", "minutesToEmpty", "batteryMinutesLeft", "acidMinutesLeft",
                "filterHoursLeft")) {
            assertThat(device.has(figure)).as(figure).isTrue();
            assertThat(device.get(figure).isNull()).as(figure).isTrue();
        }
        assertThat(device.get("appliedSettingsVersion").asLong()).isEqualTo(4);
        JsonNode counts = device.get("counts");
        assertThat(counts.get("accepted").asLong()).isEqualTo(1000);
        assertThat(counts.get("duplicate").asLong()).isEqualTo(3);
        assertThat(counts.get("late").asLong()).isEqualTo(2);
        assertThat(counts.get("rejected").asLong()).isZero();
        assertThat(device.get("openAlerts").isArray()).isTrue();
        assertThat(device.get("openAlerts")).isEmpty();
    }

    static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("items").forEach(item -> ids.add(item.get("deviceId").asText()));
        return ids;
    }
}
