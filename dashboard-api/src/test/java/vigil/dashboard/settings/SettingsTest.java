package vigil.dashboard.settings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

/** Settings documents: creation, ETag and 304, If-Match, validation problems, and two admins racing. */
class SettingsTest {
    private static final String DOC = "{\"careUnit\":\"DIALYSIS-2\",\"bed\":\"7\",\"model\":\"HD-5008\","
            + "\"calibration\":{\"lastCalibratedAt\":\"2026-05-02T08:00:00Z\",\"intervalDays\":180,"
            + "\"flowCorrectionFactor\":1.05},\"thresholds\":{\"CONDUCTIVITY_SENSOR_DRIFT\":{\"raiseMsCm\":0.25}},"
            + "\"firmware\":{\"targetVersion\":\"5.2.1\"}}";
    private static TestApi api;
    private static String admin;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        admin = api.token(TokenSpec.deviceAdmin("biomed-ana"));
        api.putDevice("DIAL-0007", "dialysis", "DIALYSIS-2", Instant.now());
        api.putDevice("PUMP-0100", "infusion_pump", "ICU-4A", Instant.now());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static TestApi.Reply put(String deviceId, String body, String... headers) {
        return api.request("PUT", "/api/v1/devices/" + deviceId + "/settings", admin, body, headers);
    }

    @Test
    void shouldCreateReadWithEtagAnswer304AndBumpTheVersionOnReplace() {
        assertThat(api.get("/api/v1/devices/DIAL-0007/settings", admin).status).isEqualTo(404);
        assertThat(put("DIAL-0007", DOC).status).as("no precondition").isEqualTo(428);

        TestApi.Reply created = put("DIAL-0007", DOC, "If-None-Match", "*");
        assertThat(created.status).isEqualTo(201);
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        JsonNode doc = created.json();
        assertThat(doc.get("version").asLong()).isEqualTo(1);
        assertThat(doc.get("updatedBy").asText()).isEqualTo("biomed-ana");
        assertThat(doc.at("/calibration/conductivityOffsetMsCm").asDouble()).as("default filled").isEqualTo(0.0);
        assertThat(put("DIAL-0007", DOC, "If-None-Match", "*").status).as("exists already").isEqualTo(412);

        TestApi.Reply read = api.get("/api/v1/devices/DIAL-0007/settings", admin);
        assertThat(read.status).isEqualTo(200);
        assertThat(read.header("ETag")).isEqualTo("\"1\"");
        assertThat(read.json().at("/thresholds/CONDUCTIVITY_SENSOR_DRIFT/raiseMsCm").asDouble()).isEqualTo(0.25);
        assertThat(read.json().at("/calibration/flowCorrectionFactor").asDouble()).isEqualTo(1.05);
        TestApi.Reply notModified = api.request("GET", "/api/v1/devices/DIAL-0007/settings",
                api.token(TokenSpec.collector("edge-1", "DIAL-0007")), null, "If-None-Match", "\"1\"");
        assertThat(notModified.status).isEqualTo(304);
        assertThat(notModified.body).isEmpty();

        TestApi.Reply replaced = put("DIAL-0007", DOC.replace("\"7\"", "\"8\""), "If-Match", "\"1\"");
        assertThat(replaced.status).isEqualTo(200);
        assertThat(replaced.header("ETag")).isEqualTo("\"2\"");
        assertThat(replaced.json().get("bed").asText()).isEqualTo("8");
        assertThat(put("DIAL-0007", DOC, "If-Match", "\"1\"").status).as("stale version").isEqualTo(412);
        assertThat(put("NEW-DEVICE-1", DOC, "If-Match", "\"1\"").status).as("nothing to replace").isEqualTo(412);
    }

    @Test
    void shouldListEveryInvalidFieldInOneProblem() {
        String bad = "{\"careUnit\":\"bad unit!\",\"calibration\":{\"intervalDays\":0,"
                + "\"flowCorrectionFactor\":1.5,\"temperatureOffsetC\":-3,\"colour\":\"red\"},"
                + "\"thresholds\":{\"FLOW_ACCURACY_DRIFT\":{\"raisePct\":5},\"CONCENTRATE_LOW\":{\"marginMin\":-1,"
                + "\"bogus\":1}},\"extra\":true}";
        TestApi.Reply r = put("DIAL-0007", bad, "If-None-Match", "*");
        assertThat(r.status).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        r.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertThat(fields).contains("careUnit", "calibration.lastCalibratedAt", "calibration.intervalDays",
                "calibration.flowCorrectionFactor", "calibration.temperatureOffsetC", "calibration.colour",
                "thresholds.FLOW_ACCURACY_DRIFT", "thresholds.CONCENTRATE_LOW.marginMin",
                "thresholds.CONCENTRATE_LOW.bogus", "extra");
    }

    @Test
    void shouldLetExactlyOneOfTwoAdminsEditingTheSameVersionWin() throws Exception {
        assertThat(put("PUMP-0100", DOC.replace("\"thresholds\":{\"CONDUCTIVITY_SENSOR_DRIFT\":{\"raiseMsCm\":0.25}},",
                ""), "If-None-Match", "*").status).isEqualTo(201);
        String ana = api.token(TokenSpec.deviceAdmin("biomed-ana"));
        String ben = api.token(TokenSpec.deviceAdmin("biomed-ben"));
        // Both read version 1, both edit it and send If-Match "1" at the same moment.
        CyclicBarrier together = new CyclicBarrier(2);
        CompletableFuture<TestApi.Reply> first = CompletableFuture.supplyAsync(() -> race(together, ana, "3"));
        CompletableFuture<TestApi.Reply> second = CompletableFuture.supplyAsync(() -> race(together, ben, "4"));
        List<Integer> statuses = List.of(first.get().status, second.get().status);
        assertThat(statuses).containsExactlyInAnyOrder(200, 412);
        TestApi.Reply stored = api.get("/api/v1/devices/PUMP-0100/settings", ana);
        assertThat(stored.json().get("version").asLong()).isEqualTo(2);
        TestApi.Reply winner = first.get().status == 200 ? first.get() : second.get();
        assertThat(stored.json().get("bed").asText()).isEqualTo(winner.json().get("bed").asText());
        TestApi.Reply loser = first.get().status == 412 ? first.get() : second.get();
        assertThat(loser.contentType()).startsWith("application/problem+json");
    }

    /** api-v1 v1.1: calibration.pressureOffsetMmHg -30.0..30.0, default 0; thresholds settleSec and clockJumpSec. */
    @Test
    void shouldValidateTheV11PressureOffsetAndThresholdNames() {
        String base = "{\"careUnit\":\"ICU-4A\",\"calibration\":{\"lastCalibratedAt\":\"2026-05-02T08:00:00Z\","
                + "\"intervalDays\":180%s}%s}";
        TestApi.Reply created = put("PUMP-0200", String.format(base, "", ""), "If-None-Match", "*");
        assertThat(created.status).isEqualTo(201);
        assertThat(created.json().at("/calibration/pressureOffsetMmHg").asDouble()).as("default").isEqualTo(0.0);
        for (String bad : List.of("30.5", "-31", "\"-5\"")) {
            TestApi.Reply r = put("PUMP-0200", String.format(base, ",\"pressureOffsetMmHg\":" + bad, ""), "If-Match",
                    "\"1\"");
            assertThat(r.status).as(bad).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("field").asText())
                    .isEqualTo("calibration.pressureOffsetMmHg");
        }
        TestApi.Reply ok = put("PUMP-0200", String.format(base, ",\"pressureOffsetMmHg\":-30",
                ",\"thresholds\":{\"PRESSURE_SENSOR_OFFSET\":{\"settleSec\":15},"
                        + "\"FLOW_ACCURACY_DRIFT\":{\"clockJumpSec\":60}}"), "If-Match", "\"1\"");
        assertThat(ok.status).isEqualTo(200);
        assertThat(ok.json().at("/calibration/pressureOffsetMmHg").asDouble()).isEqualTo(-30.0);
        assertThat(ok.json().at("/thresholds/PRESSURE_SENSOR_OFFSET/settleSec").asDouble()).isEqualTo(15.0);
        assertThat(ok.json().at("/thresholds/FLOW_ACCURACY_DRIFT/clockJumpSec").asDouble()).isEqualTo(60.0);
    }

    @Test
    void shouldRejectThresholdsOfTheOtherDeviceType() {
        String pumpThresholdOnDialysis = DOC.replace("CONDUCTIVITY_SENSOR_DRIFT\":{\"raiseMsCm\"",
                "FLOW_ACCURACY_DRIFT\":{\"raisePct\"");
        TestApi.Reply r = put("DIAL-0007", pumpThresholdOnDialysis, "If-Match", "*");
        assertThat(r.status).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("thresholds.FLOW_ACCURACY_DRIFT");
    }

    private static TestApi.Reply race(CyclicBarrier together, String token, String bed) {
        try {
            together.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return api.request("PUT", "/api/v1/devices/PUMP-0100/settings", token,
                DOC.replace("\"7\"", "\"" + bed + "\"").replace(
                        "\"thresholds\":{\"CONDUCTIVITY_SENSOR_DRIFT\":{\"raiseMsCm\":0.25}},", ""),
                "If-Match", "\"1\"");
    }
}
