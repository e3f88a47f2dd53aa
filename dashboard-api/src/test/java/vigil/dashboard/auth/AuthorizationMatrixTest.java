package vigil.dashboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.dashboard.TestApi;

/**
 * Every endpoint x every kind of caller: caregiver of the resource's care unit (in scope) and of another one (out of
 * scope), device admin, collector listing the device (in scope) and another device (out of scope), auditor, no
 * token, an expired token and a token with a wrong signature. Asserts the exact status, and that exactly the
 * requests the spec audits (everything past authentication) left an audit entry with the right action and outcome.
 *
 * <p>Each case gets fresh resources (device, settings document, ACTIVE alert) and a unique actor, so cases are
 * independent and an acknowledgement always finds an ACTIVE alert.
 */
class AuthorizationMatrixTest {
    private static final String UNIT = "ICU-4A";
    private static final String OTHER_UNIT = "WARD-9Z";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    enum Caller { CAREGIVER_IN, CAREGIVER_OUT, DEVICE_ADMIN, COLLECTOR_IN, COLLECTOR_OUT, AUDITOR, NO_TOKEN, EXPIRED,
        WRONG_SIGNATURE }

    enum Endpoint {
        DEVICE_LIST("GET", "/api/v1/devices", "device.list"),
        DEVICE_READ("GET", "/api/v1/devices/{d}", "device.read"),
        DEVICE_HISTORY("GET", "/api/v1/devices/{d}/history", "device.history.read"),
        ALERT_LIST("GET", "/api/v1/alerts", "alert.list"),
        ALERT_ACK("POST", "/api/v1/alerts/{a}/ack", "alert.ack"),
        SETTINGS_READ("GET", "/api/v1/devices/{d}/settings", "settings.read"),
        SETTINGS_WRITE("PUT", "/api/v1/devices/{d}/settings", "settings.write"),
        EVENTS("GET", "/api/v1/events", "events.subscribe"),
        AUDIT_READ("GET", "/api/v1/audit", "audit.read"),
        REPORT_READ("GET", "/api/v1/reports/alarm-burden?careUnit=" + UNIT, "report.read"),
        HEALTH("GET", "/health", null),
        OPENAPI("GET", "/api/v1/openapi.json", null);

        final String method;
        final String path;
        final String auditAction;

        Endpoint(String method, String path, String auditAction) {
            this.method = method;
            this.path = path;
            this.auditAction = auditAction;
        }
    }

    /** The spec's answer for each endpoint and caller (api-v1.md, "Authentication and roles" and "Endpoints"). */
    static int expected(Endpoint e, Caller c) {
        if (e == Endpoint.HEALTH || e == Endpoint.OPENAPI) {
            return 200; // public
        }
        if (c == Caller.NO_TOKEN || c == Caller.EXPIRED || c == Caller.WRONG_SIGNATURE) {
            return 401;
        }
        return switch (e) {
            case DEVICE_LIST, ALERT_LIST, EVENTS -> switch (c) {
                case CAREGIVER_IN, CAREGIVER_OUT, DEVICE_ADMIN -> 200; // out of scope: an empty list / no events
                default -> 403;
            };
            case DEVICE_READ, DEVICE_HISTORY -> switch (c) {
                case CAREGIVER_IN, DEVICE_ADMIN -> 200;
                case CAREGIVER_OUT -> 404;
                default -> 403;
            };
            case ALERT_ACK -> switch (c) {
                case CAREGIVER_IN -> 200;
                case CAREGIVER_OUT -> 404;
                default -> 403;
            };
            case SETTINGS_READ -> switch (c) {
                case CAREGIVER_IN, DEVICE_ADMIN, COLLECTOR_IN -> 200;
                case CAREGIVER_OUT, COLLECTOR_OUT -> 404;
                default -> 403;
            };
            case SETTINGS_WRITE -> c == Caller.DEVICE_ADMIN ? 200 : 403;
            case AUDIT_READ -> c == Caller.AUDITOR ? 200 : 403;
            case REPORT_READ -> switch (c) { // docs/alarm-burden.md: caregivers only for their own care units
                case CAREGIVER_IN, DEVICE_ADMIN, AUDITOR -> 200;
                case CAREGIVER_OUT -> 404;
                default -> 403;
            };
            default -> throw new IllegalStateException(e.name());
        };
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint e : Endpoint.values()) {
            for (Caller c : Caller.values()) {
                cases.add(Arguments.of(e, c, expected(e, c)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} as {1} -> {2}")
    @MethodSource("matrix")
    void shouldAnswerTheSpecifiedStatusAndAuditIt(Endpoint endpoint, Caller caller, int expectedStatus)
            throws Exception {
        int n = SEQ.incrementAndGet();
        String deviceId = "MX-" + n;
        String alertId = deviceId + ":DEVICE_OFFLINE:" + (1_700_000_000_000L + n);
        String actor = "matrix-" + n;
        Instant now = Instant.now();
        api.putDevice(deviceId, "infusion_pump", UNIT, now);
        api.putAlert(alertId, deviceId, UNIT, "DEVICE_OFFLINE", "HIGH", "ACTIVE", 1_700_000_000_000L + n);
        api.setOpenAlerts(deviceId, alertId);
        putSettings(deviceId);

        String token = token(caller, actor, deviceId);
        String path = endpoint.path.replace("{d}", deviceId).replace("{a}", alertId);
        int status = switch (endpoint) {
            case EVENTS -> openStream(path, token);
            case ALERT_ACK -> api.request("POST", path, token, "{\"note\":\"seen\"}").status;
            case SETTINGS_WRITE -> api.request("PUT", path, token, SETTINGS_BODY, "If-Match", "\"1\"").status;
            default -> api.get(path, token).status;
        };
        assertThat(status).as("%s %s as %s", endpoint.method, path, caller).isEqualTo(expectedStatus);

        if (endpoint.auditAction == null || status == 401) {
            assertThat(api.auditEntriesOf(actor)).as("no audit entry").isEmpty();
            return;
        }
        List<Map<String, AttributeValue>> entries = api.auditEntriesOf(actor);
        assertThat(entries).as("one audit entry for %s as %s", endpoint, caller).hasSize(1);
        Map<String, AttributeValue> entry = entries.get(0);
        assertThat(entry.get("action").s()).isEqualTo(endpoint.auditAction);
        assertThat(entry.get("outcome").n()).isEqualTo(Integer.toString(expectedStatus));
        if (endpoint.path.contains("{d}")) {
            assertThat(entry.get("deviceId").s()).isEqualTo(deviceId);
        }
        if (endpoint == Endpoint.ALERT_ACK) {
            assertThat(entry.get("alertId").s()).isEqualTo(alertId);
            assertThat(entry.get("deviceId").s()).isEqualTo(deviceId);
        }
    }

    private static String token(Caller caller, String actor, String deviceId) {
        return switch (caller) {
            case CAREGIVER_IN -> api.token(TokenSpec.caregiver(actor, UNIT));
            case CAREGIVER_OUT -> api.token(TokenSpec.caregiver(actor, OTHER_UNIT));
            case DEVICE_ADMIN -> api.token(TokenSpec.deviceAdmin(actor));
            case COLLECTOR_IN -> api.token(TokenSpec.collector(actor, deviceId));
            case COLLECTOR_OUT -> api.token(TokenSpec.collector(actor, "OTHER-DEVICE"));
            case AUDITOR -> api.token(TokenSpec.auditor(actor));
            case NO_TOKEN -> null;
            case EXPIRED -> api.minter.mint(
                    TokenSpec.caregiver(actor, UNIT).withTtl(Duration.ofMinutes(10)), Instant.now().minusSeconds(3600));
            case WRONG_SIGNATURE -> TokenMinter.forSecret("another-secret-0123456789-abcdefghijklmnop")
                    .mint(TokenSpec.deviceAdmin(actor));
        };
    }

    private static final String SETTINGS_BODY = "{\"careUnit\":\"" + UNIT + "\",\"calibration\":{"
            + "\"lastCalibratedAt\":\"2026-05-02T08:00:00Z\",\"intervalDays\":180}}";

    private static void putSettings(String deviceId) {
        String admin = api.token(TokenSpec.deviceAdmin("matrix-setup"));
        int status = api.request("PUT", "/api/v1/devices/" + deviceId + "/settings", admin, SETTINGS_BODY,
                "If-None-Match", "*").status;
        assertThat(status).as("settings created").isEqualTo(201);
    }

    /** Opens the event stream, reads the status, and closes it. */
    private static int openStream(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 200) {
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        }
        response.body().close();
        // No wait: a stream's audit entry is durable before its first byte (RouteGuard.protectStream).
        return response.statusCode();
    }
}
