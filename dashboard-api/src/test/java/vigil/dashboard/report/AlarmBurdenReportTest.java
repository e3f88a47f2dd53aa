package vigil.dashboard.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import vigil.dashboard.TestApi;
import vigil.dashboard.auth.TokenSpec;
import vigil.schema.AlertAttributes;
import vigil.schema.Tables;

/**
 * GET /api/v1/reports/alarm-burden on a real server over DynamoDB Local: the figures from stored alert histories,
 * the range read by the day index, care-unit scoping (404 for a caregiver's foreign unit), role checks, audit
 * entries and problem+json errors.
 */
class AlarmBurdenReportTest {
    private static final Instant DAY1 = Instant.parse("2026-11-20T00:00:00Z");
    private static final long MIN = 60_000L;
    private static final String RANGE = "from=2026-11-20T00:00:00Z&to=2026-11-22T00:00:00Z";
    private static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        Instant arrival = DAY1.plusSeconds(2 * 86_400 + 60); // still sending after the range
        for (int i = 1; i <= 4; i++) {
            api.putDevice("RP-PUMP-" + i, "infusion_pump", "RPT-ICU", arrival);
        }
        api.putDevice("RP-DIAL-1", "dialysis", "RPT-ICU", arrival);
        api.putDevice("RP-PUMP-9", "infusion_pump", "RPT-WARD", arrival);
        api.putDevice("RP-OLD-1", "infusion_pump", "RPT-ICU", DAY1.minusSeconds(3600)); // retired before the range
        long t0 = DAY1.toEpochMilli() + 8 * 60 * MIN;
        // RPT-ICU pumps, FLOW_ACCURACY_DRIFT: 4 alerts in the range over 4 pumps x 2 days
        put("RP-PUMP-1", "RPT-ICU", "FLOW_ACCURACY_DRIFT", t0, step("CLEARED", t0 + 3 * MIN, "system")); // nuisance
        put("RP-PUMP-1", "RPT-ICU", "FLOW_ACCURACY_DRIFT", t0 + 60 * MIN,
                step("ACKNOWLEDGED", t0 + 62 * MIN, "nurse-1"), step("CLEARED", t0 + 64 * MIN, "system"));
        put("RP-PUMP-2", "RPT-ICU", "FLOW_ACCURACY_DRIFT", t0 + 120 * MIN,
                step("ACKNOWLEDGED", t0 + 130 * MIN, "nurse-2"));
        put("RP-PUMP-3", "RPT-ICU", "FLOW_ACCURACY_DRIFT", t0 + 86_400_000L, // on the second day
                step("ESCALATED", t0 + 86_400_000L + MIN, "system"), step("LATCHED", t0 + 86_400_000L + 2 * MIN,
                        "system"), step("CLEARED", t0 + 86_400_000L + 20 * MIN, "nurse-3"));
        put("RP-PUMP-1", "RPT-ICU", "FLOW_ACCURACY_DRIFT", DAY1.toEpochMilli() - 1); // before the range
        put("RP-DIAL-1", "RPT-ICU", "FILTER_LIFE", t0);
        put("RP-PUMP-9", "RPT-WARD", "BATTERY_DEPLETION", t0);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static Map<String, AttributeValue> step(String change, long at, String actor) {
        return Map.of("change", AttributeValue.fromS(change), "status", AttributeValue.fromS("ACTIVE"),
                "priority", AttributeValue.fromS("MEDIUM"), "at", AttributeValue.fromS(Instant.ofEpochMilli(at).toString()),
                "actor", AttributeValue.fromS(actor));
    }

    /** An alert item as the consumer writes it, with a RAISED step and the given later steps. */
    @SafeVarargs
    private static void put(String deviceId, String careUnit, String type, long raisedTs,
            Map<String, AttributeValue>... later) {
        List<AttributeValue> history = new ArrayList<>();
        history.add(AttributeValue.fromM(step("RAISED", raisedTs, "system")));
        for (Map<String, AttributeValue> s : later) {
            history.add(AttributeValue.fromM(s));
        }
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(AlertAttributes.ALERT_ID, AttributeValue.fromS(deviceId + ":" + type + ":" + raisedTs));
        item.put(AlertAttributes.DEVICE_ID, AttributeValue.fromS(deviceId));
        item.put(AlertAttributes.DEVICE_TYPE, AttributeValue.fromS(deviceId.contains("DIAL") ? "dialysis" : "infusion_pump"));
        item.put(AlertAttributes.CARE_UNIT, AttributeValue.fromS(careUnit));
        item.put(AlertAttributes.TYPE, AttributeValue.fromS(type));
        item.put(AlertAttributes.PRIORITY, AttributeValue.fromS("MEDIUM"));
        item.put(AlertAttributes.MAX_PRIORITY, AttributeValue.fromS("MEDIUM"));
        item.put(AlertAttributes.STATUS, AttributeValue.fromS("ACTIVE"));
        item.put(AlertAttributes.RAISED_TS, AttributeValue.fromN(Long.toString(raisedTs)));
        item.put(AlertAttributes.RAISED_AT, AttributeValue.fromS(Instant.ofEpochMilli(raisedTs).toString()));
        item.put(AlertAttributes.RAISED_DAY, AttributeValue.fromS(AlertAttributes.raisedDay(raisedTs)));
        item.put(AlertAttributes.MESSAGE, AttributeValue.fromS("test"));
        item.put(AlertAttributes.HISTORY, AttributeValue.fromL(history));
        item.put(AlertAttributes.HISTORY_COUNT, AttributeValue.fromN(Integer.toString(history.size())));
        api.dynamo().putItem(PutItemRequest.builder().tableName(Tables.ALERTS.nameWith(api.aws.tablePrefix()))
                .item(item).build());
    }

    private static JsonNode row(JsonNode report, String careUnit, String alertType) {
        for (JsonNode row : report.get("rows")) {
            if (careUnit.equals(row.get("careUnit").asText()) && alertType.equals(row.get("alertType").asText())) {
                return row;
            }
        }
        throw new AssertionError("no row " + careUnit + " " + alertType + " in " + report);
    }

    @Test
    void shouldComputeTheFiguresFromTheStoredHistoriesOfTheRange() {
        TestApi.Reply reply = api.get("/api/v1/reports/alarm-burden?" + RANGE + "&careUnit=RPT-ICU",
                api.token(TokenSpec.deviceAdmin("admin-report-1")));

        assertThat(reply.status).as(reply.body).isEqualTo(200);
        JsonNode report = reply.json();
        assertThat(report.get("days").asDouble()).isEqualTo(2.0);
        assertThat(report.get("devices").asInt()).as("4 pumps and 1 dialysis machine; the retired pump not")
                .isEqualTo(5);
        assertThat(report.get("alerts").asInt()).isEqualTo(5);
        JsonNode flow = row(report, "RPT-ICU", "FLOW_ACCURACY_DRIFT");
        assertThat(flow.get("alerts").asInt()).isEqualTo(4);
        assertThat(flow.get("alertsPerDeviceDay").asDouble()).isEqualTo(0.5); // 4 / (4 pumps x 2 days)
        assertThat(flow.get("selfCleared").asInt()).isEqualTo(1);
        assertThat(flow.get("nuisanceShare").asDouble()).isEqualTo(0.25);
        assertThat(flow.get("escalated").asInt()).isEqualTo(1);
        assertThat(flow.get("latched").asInt()).isEqualTo(1);
        assertThat(flow.get("acknowledged").asInt()).isEqualTo(3);
        // acknowledgement after 2, 10 and 20 minutes: median 600 s, p90 1200 s (nearest rank)
        assertThat(flow.get("ackMedianSeconds").asDouble()).isEqualTo(600.0);
        assertThat(flow.get("ackP90Seconds").asDouble()).isEqualTo(1200.0);
        assertThat(report.get("topDevices").get(0).get("deviceId").asText()).isEqualTo("RP-PUMP-1");
        assertThat(report.get("topDevices").get(0).get("alerts").asInt()).isEqualTo(2);
        assertThat(report.toString()).doesNotContain("RPT-WARD");
        assertThat(report.get("alertReadUnits").asDouble()).as("read units DynamoDB reported").isGreaterThan(0.0);
    }

    @Test
    void shouldFilterByDeviceType() {
        JsonNode report = api.get("/api/v1/reports/alarm-burden?" + RANGE + "&careUnit=RPT-ICU&deviceType=dialysis",
                api.token(TokenSpec.auditor("auditor-report-1"))).json();

        assertThat(report.get("devices").asInt()).isEqualTo(1);
        assertThat(report.get("rows")).hasSize(1);
        assertThat(report.get("rows").get(0).get("alertType").asText()).isEqualTo("FILTER_LIFE");
    }

    @Test
    void shouldShowACaregiverOnlyItsOwnCareUnits() {
        JsonNode report = api.get("/api/v1/reports/alarm-burden?" + RANGE,
                api.token(TokenSpec.caregiver("nurse-report-1", "RPT-WARD"))).json();

        assertThat(report.get("rows")).hasSize(1);
        assertThat(row(report, "RPT-WARD", "BATTERY_DEPLETION").get("alerts").asInt()).isEqualTo(1);
        assertThat(report.toString()).doesNotContain("RPT-ICU");
    }

    @Test
    void shouldAnswer404ForACareUnitOutsideTheCaregiversScopeAndAuditIt() {
        String foreign = api.get("/api/v1/reports/alarm-burden?" + RANGE + "&careUnit=RPT-ICU",
                api.token(TokenSpec.caregiver("nurse-report-2", "RPT-WARD"))).body;
        TestApi.Reply unknown = api.get("/api/v1/reports/alarm-burden?" + RANGE + "&careUnit=NO-SUCH-UNIT",
                api.token(TokenSpec.caregiver("nurse-report-3", "RPT-WARD")));

        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(foreign).as("an existing foreign unit answers exactly like an unknown one").isEqualTo(unknown.body);
        List<Map<String, AttributeValue>> entries = api.auditEntriesOf("nurse-report-2");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("action").s()).isEqualTo("report.read");
        assertThat(entries.get(0).get("outcome").n()).isEqualTo("404");
    }

    @Test
    void shouldAnswer403ToACollectorAndAuditTheDenial() {
        TestApi.Reply reply = api.get("/api/v1/reports/alarm-burden?" + RANGE,
                api.token(TokenSpec.collector("collector-report-1", "*")));

        assertThat(reply.status).isEqualTo(403);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        List<Map<String, AttributeValue>> entries = api.auditEntriesOf("collector-report-1");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("action").s()).isEqualTo("report.read");
        assertThat(entries.get(0).get("outcome").n()).isEqualTo("403");
    }

    @Test
    void shouldAuditASuccessfulReadAsReportRead() {
        api.get("/api/v1/reports/alarm-burden?" + RANGE, api.token(TokenSpec.auditor("auditor-report-2")));

        List<Map<String, AttributeValue>> entries = api.auditEntriesOf("auditor-report-2");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("action").s()).isEqualTo("report.read");
        assertThat(entries.get(0).get("role").s()).isEqualTo("auditor");
        assertThat(entries.get(0).get("outcome").n()).isEqualTo("200");
    }

    @Test
    void shouldServeTheReportPageWithoutATokenAndLinkItFromTheWardView() {
        TestApi.Reply page = api.get("/report.html", null);

        assertThat(page.status).isEqualTo(200);
        assertThat(page.body).contains("<script src=\"/report.js\"").contains("<table id=\"burden-table\"");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'");
        assertThat(api.get("/report.js", null).status).isEqualTo(200);
        assertThat(api.get("/report.css", null).status).isEqualTo(200);
        assertThat(api.get("/", null).body).contains("href=\"/report.html\"");
    }

    @ParameterizedTest
    @CsvSource({
        "from=yesterday, from",
        "to=2026-11-22, to",
        "deviceType=ventilator, deviceType",
        "careUnit=ICU%204A, careUnit",
        "from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z, to",
        "from=2026-11-22T00:00:00Z&to=2026-11-22T00:00:00Z, to",
        "from=2026-10-01T00:00:00Z&to=2026-11-22T00:00:00Z, to"
    })
    void shouldAnswer400ProblemNamingTheBadParameter(String query, String field) {
        TestApi.Reply reply = api.get("/api/v1/reports/alarm-burden?" + query,
                api.token(TokenSpec.deviceAdmin("admin-report-2")));

        assertThat(reply.status).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("errors")).hasSize(1);
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo(field);
    }
}
