package vigil.dashboard.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DeviceMetric;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.dashboard.TestApi;
import vigil.dashboard.auth.TokenSpec;

/**
 * The FHIR R4 read API on the real stack (DashboardServer over DynamoDB Local): every resource type it returns,
 * fetched over HTTP, validates against base R4 with zero errors; search parameters and paging; care-unit scope
 * (404) and audit.
 */
class FhirApiTest {
    private static final long SEED = 16L;
    private static final String PUMP = "PUMP-FHIR-1";
    private static final String DIAL = "DIAL-FHIR-1";
    private static final String SETTINGS = "{\"careUnit\":\"ICU-1\",\"model\":\"LVP-200\","
            + "\"calibration\":{\"lastCalibratedAt\":\"2026-05-02T08:00:00Z\",\"intervalDays\":180},"
            + "\"firmware\":{\"targetVersion\":\"5.2.1\"}}";
    private static TestApi api;
    private static R4Validation validation;
    private static String admin;
    private static String icu;
    private static String otherUnit;
    private static Instant lastTs;
    private static Instant firstMinute;
    private static int validated;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        validation = new R4Validation();
        admin = api.token(TokenSpec.deviceAdmin("biomed-fhir"));
        icu = api.token(TokenSpec.caregiver("nurse-icu", "ICU-1"));
        otherUnit = api.token(TokenSpec.caregiver("nurse-ward", "WARD-2"));
        FhirSeed seed = new FhirSeed(api.dynamo(), api.aws.tablePrefix());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        lastTs = now.minusSeconds(5);
        firstMinute = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(60));
        seed.device(PUMP, "infusion_pump", "ICU-1", lastTs);
        seed.device(DIAL, "dialysis", "WARD-2", lastTs);
        Random random = new Random(SEED);
        seed.history(PUMP, "infusion_pump", firstMinute, 60, random);
        seed.history(DIAL, "dialysis", firstMinute, 60, random);
        assertThat(api.request("PUT", "/api/v1/devices/" + PUMP + "/settings", admin, SETTINGS,
                "If-None-Match", "*").status).isEqualTo(201);
        long raised = now.minusSeconds(600).toEpochMilli();
        api.putAlert("PUMP-FHIR-1.FLOW_ACCURACY_DRIFT." + raised, PUMP, "ICU-1", "FLOW_ACCURACY_DRIFT", "HIGH",
                "ACTIVE", raised);
        api.setOpenAlerts(PUMP, "PUMP-FHIR-1.FLOW_ACCURACY_DRIFT." + raised);
        // the settings PUT does not touch device-state: the seeded state keeps its figures
    }

    @AfterAll
    static void stop() {
        System.out.println("FhirApiTest: " + validated + " resources validated against base R4 with zero errors"
                + " (seed " + SEED + "); " + validation.summary());
        api.close();
    }

    private static <T extends IBaseResource> T fetch(String path, String token, Class<T> type) {
        TestApi.Reply r = api.get(path, token);
        assertThat(r.status).as(path + " -> " + r.body).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/fhir+json");
        assertValid(r.body);
        return FhirR4.json().parseResource(type, r.body);
    }

    /** Validates the JSON as sent; a bundle is validated with its entries (each entry counts as one resource). */
    private static void assertValid(String json) {
        IBaseResource resource = FhirR4.json().parseResource(json);
        assertThat(validation.errors(json)).as(resource.fhirType() + " " + resource.getIdElement().getIdPart())
                .isEmpty();
        validated += 1 + (resource instanceof Bundle b ? b.getEntry().size() : 0);
    }

    @Test
    void shouldServeEveryResourceTypeValidAgainstBaseR4() {
        CapabilityStatement cs = fetch("/fhir/r4/metadata", null, CapabilityStatement.class);
        assertThat(cs.getRestFirstRep().getResource()).extracting(r -> r.getType())
                .contains("Device", "DeviceMetric", "Observation", "DetectedIssue");

        Device pump = fetch("/fhir/r4/Device/" + PUMP, icu, Device.class);
        assertThat(pump.getIdentifierFirstRep().getValue()).isEqualTo(PUMP);
        assertThat(pump.getModelNumber()).isEqualTo("LVP-200");
        assertThat(pump.getVersionFirstRep().getValue()).isEqualTo("5.2.1");
        assertThat(pump.getLocation().getIdentifier().getValue()).isEqualTo("ICU-1");
        fetch("/fhir/r4/Device/" + DIAL, admin, Device.class);

        Bundle metrics = fetch("/fhir/r4/DeviceMetric?source=Device/" + PUMP, icu, Bundle.class);
        assertThat(metrics.getTotal()).isEqualTo(7);
        DeviceMetric rate = metrics.getEntry().stream().map(e -> (DeviceMetric) e.getResource())
                .filter(m -> m.getType().getCoding().stream().anyMatch(c -> "157784".equals(c.getCode())))
                .findFirst().orElseThrow();
        assertThat(rate.getCalibrationFirstRep().getState())
                .as("calibrated 2026-05-02 every 180 days: overdue by now")
                .isEqualTo(DeviceMetric.DeviceMetricCalibrationState.CALIBRATIONREQUIRED);
        assertThat(rate.getCalibrationFirstRep().getTime()).isEqualTo(Instant.parse("2026-05-02T08:00:00Z"));
        assertThat(rate.getUnit().getCodingFirstRep().getCode()).isEqualTo("mL/h");
        Bundle dialMetrics = fetch("/fhir/r4/DeviceMetric?source=" + DIAL, admin, Bundle.class);
        assertThat(dialMetrics.getTotal()).isEqualTo(16);
        assertThat(((DeviceMetric) dialMetrics.getEntryFirstRep().getResource()).getCalibrationFirstRep().getState())
                .as("no settings document").isEqualTo(DeviceMetric.DeviceMetricCalibrationState.NOTCALIBRATED);

        Bundle obs = fetch("/fhir/r4/Observation?device=Device/" + DIAL + "&_count=200", admin, Bundle.class);
        assertThat(obs.getTotal()).as("16 metrics + 1 figure newest, 60 minutes x 4 figures").isEqualTo(17 + 240);

        Bundle issues = fetch("/fhir/r4/DetectedIssue?implicated=Device/" + PUMP, icu, Bundle.class);
        assertThat(issues.getTotal()).isEqualTo(1);
        DetectedIssue issue = (DetectedIssue) issues.getEntryFirstRep().getResource();
        assertThat(issue.getSeverity()).isEqualTo(DetectedIssue.DetectedIssueSeverity.HIGH);
        assertThat(issue.getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.PRELIMINARY);
        assertThat(issue.getImplicatedFirstRep().getReference()).isEqualTo("Device/" + PUMP);
        DetectedIssue read = fetch("/fhir/r4/DetectedIssue/" + issue.getIdPart(), icu, DetectedIssue.class);
        assertThat(read.getIdentifierFirstRep().getValue()).startsWith("PUMP-FHIR-1.FLOW_ACCURACY_DRIFT.");
    }

    @Test
    void shouldReportErrorsForResourcesThatBreakTheBaseProfiles() {
        // the validator is not vacuous: each of these breaks one rule of base R4
        Observation noStatus = new Observation();
        noStatus.setId("bad-1");
        noStatus.setCode(new org.hl7.fhir.r4.model.CodeableConcept().setText("x"));
        assertThat(validation.errors(noStatus)).as("status is 1..1").anyMatch(e -> e.contains("Observation.status"));

        Observation absentAndValue = new Observation();
        absentAndValue.setId("bad-2");
        absentAndValue.setStatus(Observation.ObservationStatus.FINAL);
        absentAndValue.setCode(new org.hl7.fhir.r4.model.CodeableConcept().setText("x"));
        absentAndValue.setValue(new Quantity().setValue(1));
        absentAndValue.setDataAbsentReason(new org.hl7.fhir.r4.model.CodeableConcept().setText("lost"));
        assertThat(validation.errors(absentAndValue)).as("obs-6").anyMatch(e -> e.contains("obs-6"));

        DeviceMetric noCategory = new DeviceMetric();
        noCategory.setId("bad-3");
        noCategory.setType(new org.hl7.fhir.r4.model.CodeableConcept().setText("x"));
        assertThat(validation.errors(noCategory)).as("category is 1..1")
                .anyMatch(e -> e.contains("DeviceMetric.category"));

        Device badId = new Device();
        badId.setId("has_underscore");
        assertThat(validation.errors(badId)).as("id pattern").anyMatch(e -> e.startsWith("Device.id"));

        // as JSON text: what HAPI's model could not even hold, so only the text shows it
        String unknownElement = "{\"resourceType\":\"Device\",\"id\":\"bad-5\",\"status\":\"active\","
                + "\"colour\":\"blue\"}";
        assertThat(validation.errors(unknownElement)).as("element R4 does not define")
                .anyMatch(e -> e.contains("colour"));
        String notInRequiredValueSet = "{\"resourceType\":\"Observation\",\"id\":\"bad-6\","
                + "\"status\":\"done\",\"code\":{\"text\":\"x\"}}";
        assertThat(validation.errors(notInRequiredValueSet)).as("required binding of Observation.status")
                .anyMatch(e -> e.startsWith("Observation.status") && e.contains("done"));
        String notUcum = "{\"resourceType\":\"Observation\",\"id\":\"bad-7\",\"status\":\"final\","
                + "\"code\":{\"text\":\"x\"},\"valueQuantity\":{\"value\":1,"
                + "\"system\":\"http://unitsofmeasure.org\",\"code\":\"mL/hh\"}}";
        assertThat(validation.errors(notUcum)).as("UCUM unit").anyMatch(e -> e.contains("mL/hh"));
        // many at a time (as export files are validated): one broken resource among valid ones is found
        String valid1 = "{\"resourceType\":\"Device\",\"id\":\"good-1\",\"status\":\"active\"}";
        String valid2 = "{\"resourceType\":\"Device\",\"id\":\"good-2\",\"status\":\"active\"}";
        assertThat(validation.errorsOfEach("http://localhost/fhir/r4", List.of(valid1, unknownElement, valid2)))
                .as("batch").hasSize(1).allMatch(e -> e.startsWith("Bundle.entry[1].resource") && e.contains("colour"));
    }

    @Test
    void shouldMapTheNewestValuesWithMdcCodesUcumUnitsAndTheRecordTime() {
        Bundle rate = fetch("/fhir/r4/Observation?device=" + PUMP + "&code=urn:iso:std:iso:11073:10101%7C157784",
                icu, Bundle.class);
        assertThat(rate.getTotal()).isEqualTo(1);
        Observation o = (Observation) rate.getEntryFirstRep().getResource();
        Quantity q = o.getValueQuantity();
        assertThat(q.getValue()).isEqualByComparingTo("125.5");
        assertThat(q.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(q.getCode()).isEqualTo("mL/h");
        assertThat(o.getEffectiveDateTimeType().getValue().toInstant()).isEqualTo(lastTs);
        assertThat(o.getDevice().getReference()).isEqualTo("Device/" + PUMP);
        assertThat(o.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("device");
        Bundle onMains = fetch("/fhir/r4/Observation?device=" + PUMP + "&code=onMains", icu, Bundle.class);
        assertThat(((Observation) onMains.getEntryFirstRep().getResource()).getValueBooleanType().booleanValue())
                .isTrue();
    }

    @Test
    void shouldFilterByCodeAndDateAndPageWithNextLinks() {
        Instant from = firstMinute.plus(Duration.ofMinutes(10));
        Instant to = firstMinute.plus(Duration.ofMinutes(29));
        String query = "/fhir/r4/Observation?device=" + PUMP + "&code=flowErrorPct,minutesToEmpty"
                + "&date=ge" + from + "&date=le" + to + "&_count=7";
        Bundle page = fetch(query, icu, Bundle.class);
        assertThat(page.getTotal()).as("20 minutes x 2 figures").isEqualTo(40);
        Set<String> ids = new HashSet<>();
        List<Instant> times = new ArrayList<>();
        int pages = 0;
        while (true) {
            pages++;
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                Observation o = (Observation) e.getResource();
                ids.add(o.getIdPart());
                times.add(o.getEffectiveDateTimeType().getValue().toInstant());
            }
            Bundle.BundleLinkComponent next = page.getLink("next");
            if (next == null) {
                break;
            }
            String url = next.getUrl();
            page = fetch(url.substring(url.indexOf("/fhir/r4")), icu, Bundle.class);
        }
        assertThat(pages).isEqualTo(6);
        assertThat(ids).hasSize(40);
        assertThat(times).allMatch(t -> !t.isBefore(from) && !t.isAfter(to));
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        TestApi.Reply bad = api.get("/fhir/r4/Observation?device=" + PUMP + "&date=yesterday", icu);
        assertThat(bad.status).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/fhir+json");
        assertValid(bad.body);
        org.hl7.fhir.r4.model.OperationOutcome outcome =
                FhirR4.json().parseResource(org.hl7.fhir.r4.model.OperationOutcome.class, bad.body);
        assertThat(outcome.getIssueFirstRep().getCode())
                .isEqualTo(org.hl7.fhir.r4.model.OperationOutcome.IssueType.INVALID);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("date: ");
        assertThat(api.get("/fhir/r4/Observation?code=flowErrorPct", icu).status).as("device required")
                .isEqualTo(400);
        assertThat(api.get("/fhir/r4/Observation?device=" + PUMP + "&_count=0", icu).status).isEqualTo(400);
    }

    @Test
    void shouldAnswer404OutOfScopeAndAuditEveryRequest() {
        String actor = "nurse-ward-scope";
        String ward = api.token(TokenSpec.caregiver(actor, "WARD-2"));
        TestApi.Reply hidden = api.get("/fhir/r4/Device/" + PUMP, ward);
        TestApi.Reply unknown = api.get("/fhir/r4/Device/NO-SUCH-DEVICE", ward);
        assertThat(hidden.status).isEqualTo(404);
        assertThat(unknown.status).isEqualTo(404);
        assertThat(hidden.body).as("out of scope answers exactly like unknown").isEqualTo(unknown.body);
        assertValid(hidden.body);
        assertThat(api.get("/fhir/r4/Observation?device=" + PUMP, ward).status).isEqualTo(404);
        assertThat(api.get("/fhir/r4/DeviceMetric?source=" + PUMP, ward).status).isEqualTo(404);
        assertThat(api.get("/fhir/r4/DetectedIssue?implicated=" + PUMP, ward).status).isEqualTo(404);
        assertThat(api.get("/fhir/r4/Device/" + DIAL, ward).status).isEqualTo(200);
        TestApi.Reply noToken = api.get("/fhir/r4/Device/" + PUMP, null);
        assertThat(noToken.status).as("no token").isEqualTo(401);
        assertValid(noToken.body);
        TestApi.Reply auditor = api.get("/fhir/r4/Device/" + PUMP, api.token(TokenSpec.auditor("aud-1")));
        assertThat(auditor.status).as("auditor role").isEqualTo(403);
        assertValid(auditor.body);

        List<String> seen = new ArrayList<>();
        for (Map<String, AttributeValue> e : api.auditEntriesOf(actor)) {
            seen.add(e.get("action").s() + " " + (e.containsKey("deviceId") ? e.get("deviceId").s() : "-") + " "
                    + e.get("outcome").n());
        }
        assertThat(seen).containsExactlyInAnyOrder(
                "fhir.read " + PUMP + " 404",
                "fhir.read NO-SUCH-DEVICE 404",
                "fhir.search " + PUMP + " 404",
                "fhir.search " + PUMP + " 404",
                "fhir.search " + PUMP + " 404",
                "fhir.read " + DIAL + " 200");
    }
}
