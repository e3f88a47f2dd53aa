package vigil.dashboard.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.dashboard.TestApi;
import vigil.dashboard.auth.TokenSpec;

/**
 * Bulk export of a simulated hour on the real stack: kick-off, status, manifest, NDJSON files fetched over HTTP
 * and parsed line by line with HAPI's parser, with the counts the seeded hour implies; every resource of the whole
 * scope's export and every OperationOutcome error answer validates against base R4 with zero errors; scope, cancel
 * and audit.
 */
class FhirExportTest {
    private static final long SEED = 1616L;
    private static final int PUMPS = 6;
    private static final int DIALYSIS = 4;
    private static final int MINUTES = 60;
    private static TestApi api;
    private static R4Validation validation;
    private static int validated;
    private static Instant hourStart;
    private static Instant hourEnd;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        validation = new R4Validation();
        FhirSeed seed = new FhirSeed(api.dynamo(), api.aws.tablePrefix());
        Random random = new Random(SEED);
        hourEnd = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        hourStart = hourEnd.minus(Duration.ofMinutes(MINUTES));
        for (int i = 0; i < PUMPS; i++) {
            String id = "PUMP-EXP-" + i;
            seed.device(id, "infusion_pump", "ICU-1", hourEnd.minusSeconds(20));
            seed.history(id, "infusion_pump", hourStart, MINUTES, random);
        }
        for (int i = 0; i < DIALYSIS; i++) {
            String id = "DIAL-EXP-" + i;
            seed.device(id, "dialysis", "WARD-2", hourEnd.minusSeconds(20));
            seed.history(id, "dialysis", hourStart, MINUTES, random);
        }
        long inHour = hourStart.plusSeconds(900).toEpochMilli();
        api.putAlert("PUMP-EXP-0.OCCLUSION." + inHour, "PUMP-EXP-0", "ICU-1", "OCCLUSION", "HIGH", "ACTIVE", inHour);
        api.putAlert("DIAL-EXP-0.ACID_LOW." + inHour, "DIAL-EXP-0", "WARD-2", "ACID_LOW", "MEDIUM", "ACKNOWLEDGED",
                inHour);
        long before = hourStart.minusSeconds(600).toEpochMilli();
        api.putAlert("PUMP-EXP-1.OCCLUSION." + before, "PUMP-EXP-1", "ICU-1", "OCCLUSION", "HIGH", "ACTIVE", before);
    }

    @AfterAll
    static void stop() {
        System.out.println("FhirExportTest: " + validated + " resources validated against base R4 with zero errors"
                + " (seed " + SEED + "); " + validation.summary());
        api.close();
    }

    /** Kicks off, polls until done (202 with X-Progress meanwhile), and returns the manifest. */
    private static JsonNode export(String path, String token) throws InterruptedException {
        TestApi.Reply kick = api.request("GET", path, token, null, "Prefer", "respond-async",
                "Accept", "application/fhir+json");
        assertThat(kick.status).as(kick.body).isEqualTo(202);
        String status = kick.header("Content-Location");
        assertThat(status).contains("/fhir/r4/$export-status/");
        String statusPath = status.substring(status.indexOf("/fhir/r4"));
        long startNanos = System.nanoTime();
        for (int i = 0; i < 600; i++) {
            TestApi.Reply r = api.get(statusPath, token);
            if (r.status == 200) {
                System.out.printf("FhirExportTest: export %s done in %d ms%n", path,
                        (System.nanoTime() - startNanos) / 1_000_000);
                return r.json();
            }
            assertThat(r.status).as(r.body).isEqualTo(202);
            assertThat(r.header("X-Progress")).isNotBlank();
            Thread.sleep(100);
        }
        throw new AssertionError("export not done after 60 s");
    }

    /** Every file of the manifest fetched and parsed, each resource validated if asked to; counts by type. */
    private static Map<String, Integer> download(JsonNode manifest, String token, boolean validate) {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode out : manifest.get("output")) {
            String url = out.get("url").asText();
            TestApi.Reply file = api.get(url.substring(url.indexOf("/fhir/r4")), token);
            assertThat(file.status).isEqualTo(200);
            assertThat(file.contentType()).startsWith("application/fhir+ndjson");
            Set<String> ids = new HashSet<>();
            String[] lines = file.body.split("\n");
            for (String line : lines) {
                IBaseResource r = FhirR4.json().parseResource(line);
                assertThat(r.fhirType()).isEqualTo(out.get("type").asText());
                ids.add(r.getIdElement().getIdPart());
            }
            if (validate) {
                String base = url.substring(0, url.indexOf("/fhir/r4") + "/fhir/r4".length());
                assertThat(validation.errorsOfEach(base, List.of(lines))).as(out.get("type").asText() + " file")
                        .isEmpty();
                validated += lines.length;
            }
            assertThat(ids).as("distinct ids").hasSize(lines.length);
            assertThat(lines.length).as("manifest count").isEqualTo(out.get("count").asInt());
            counts.put(out.get("type").asText(), lines.length);
        }
        return counts;
    }

    /** Validates one resource as sent (an NDJSON line or an error answer's body). */
    private static void assertValid(String json) {
        IBaseResource r = FhirR4.json().parseResource(json);
        assertThat(validation.errors(json)).as(r.fhirType() + " " + r.getIdElement().getIdPart()).isEmpty();
        validated++;
    }

    @Test
    void shouldExportTheWholeScopeOfAnAdminAsNdjsonThatRoundTripsThroughTheParser() throws Exception {
        String admin = api.token(TokenSpec.deviceAdmin("biomed-export"));
        JsonNode manifest = export("/fhir/r4/$export?_since=" + hourStart + "&_until=" + hourEnd, admin);
        assertThat(manifest.get("requiresAccessToken").asBoolean()).isTrue();
        long startNanos = System.nanoTime();
        Map<String, Integer> counts = download(manifest, admin, true);
        System.out.printf("FhirExportTest: %d resources downloaded and validated in %d ms%n",
                counts.values().stream().mapToInt(Integer::intValue).sum(),
                (System.nanoTime() - startNanos) / 1_000_000);
        assertThat(counts).containsEntry("Device", PUMPS + DIALYSIS)
                .containsEntry("DeviceMetric", PUMPS * 7 + DIALYSIS * 16)
                // newest values (pump: 7 metrics + 2 figures; dialysis: 16 + 1) and 4 figures per device-minute
                .containsEntry("Observation", PUMPS * 9 + DIALYSIS * 17 + (PUMPS + DIALYSIS) * MINUTES * 4)
                .containsEntry("DetectedIssue", 2);
    }

    @Test
    void shouldExportOnlyTheCaregiversCareUnitAndHideOtherGroups() throws Exception {
        String actor = "nurse-export";
        String icu = api.token(TokenSpec.caregiver(actor, "ICU-1"));
        JsonNode manifest = export("/fhir/r4/Group/ICU-1/$export?_type=Device,Observation,DetectedIssue&_since="
                + hourStart + "&_until=" + hourEnd, icu);
        // the same resources as in the whole scope's export above: not validated a second time
        Map<String, Integer> counts = download(manifest, icu, false);
        assertThat(counts).containsOnlyKeys("Device", "Observation", "DetectedIssue")
                .containsEntry("Device", PUMPS)
                .containsEntry("Observation", PUMPS * 9 + PUMPS * MINUTES * 4)
                .as("the alert raised before _since is left out").containsEntry("DetectedIssue", 1);

        TestApi.Reply other = api.request("GET", "/fhir/r4/Group/WARD-2/$export", icu, null, "Prefer",
                "respond-async");
        assertThat(other.status).isEqualTo(404);
        assertValid(other.body);
        String someoneElse = api.token(TokenSpec.caregiver("nurse-other", "ICU-1"));
        String jobPath = manifest.get("output").get(0).get("url").asText();
        TestApi.Reply notTheirs = api.get(jobPath.substring(jobPath.indexOf("/fhir/r4")), someoneElse);
        assertThat(notTheirs.status).as("another caller's files").isEqualTo(404);
        assertValid(notTheirs.body);
        List<String> actions = api.auditEntriesOf(actor).stream()
                .map((Map<String, AttributeValue> e) -> e.get("action").s())
                .distinct().toList();
        assertThat(actions).containsExactly("fhir.export");
    }

    @Test
    void shouldRequireRespondAsyncRejectUnknownTypesAndCancel() throws Exception {
        String admin = api.token(TokenSpec.deviceAdmin("biomed-cancel"));
        TestApi.Reply noPrefer = api.get("/fhir/r4/$export", admin);
        assertThat(noPrefer.status).as("no Prefer header").isEqualTo(400);
        assertValid(noPrefer.body);
        TestApi.Reply patient = api.request("GET", "/fhir/r4/$export?_type=Patient", admin, null, "Prefer",
                "respond-async");
        assertThat(patient.status).isEqualTo(400);
        assertValid(patient.body);
        TestApi.Reply kick = api.request("GET", "/fhir/r4/$export", admin, null, "Prefer", "respond-async");
        assertThat(kick.status).isEqualTo(202);
        String status = kick.header("Content-Location");
        String statusPath = status.substring(status.indexOf("/fhir/r4"));
        assertThat(api.request("DELETE", statusPath, admin, null).status).isEqualTo(202);
        TestApi.Reply cancelled = api.get(statusPath, admin);
        assertThat(cancelled.status).isEqualTo(404);
        assertValid(cancelled.body);
    }
}
