package vigil.sim.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.dashboard.DashboardConfig;
import vigil.dashboard.DashboardServer;
import vigil.dashboard.auth.TokenMinter;
import vigil.dashboard.auth.TokenSpec;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.sim.device.SimulatedDevice;
import vigil.sim.scenario.FaultSchedule;
import vigil.sim.scenario.Scenario;
import vigil.sim.scenario.ScenarioLoader;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryRecord;
import vigil.telemetry.TelemetryDecoder;

/**
 * The settings loop against the real dashboard API (its settings routes over DynamoDB Local, real tokens): the
 * conductivity-drift scenario's machines poll their settings with a collector token and If-None-Match; a device
 * admin writes a conductivity offset; the drifting machine applies it, reports the new settingsVersion, and its
 * divergence falls below the rule's clear threshold. Device time is stepped by the test (one record per device per
 * simulated second), and the poller's round is called where the test wants it, so nothing depends on timing.
 */
class SettingsLoopApiTest {
    private static final String SECRET = "sim-settings-test-secret-0123456789-abcdef";
    private static final String BASE_DOC = "{\"careUnit\":\"DIALYSIS-2\",\"model\":\"HDX-40\",\"calibration\":"
            + "{\"lastCalibratedAt\":\"2026-05-02T08:00:00Z\",\"intervalDays\":180%s}}";

    private static LocalAws aws;
    private static DashboardServer server;
    private static TokenMinter minter;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startApi() {
        aws = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis());
        server = DashboardServer.start(DashboardConfig.local(aws.tablePrefix(), SECRET), aws.dynamoDbClient());
        minter = TokenMinter.forSecret(SECRET);
    }

    @AfterAll
    static void stopApi() {
        if (server != null) {
            server.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void shouldApplyACalibrationWrittenByAnAdminAndReportItsVersionSoThatTheDivergenceClears() throws Exception {
        Scenario scenario = ScenarioLoader.load("conductivity-drift");
        List<SimulatedDevice> devices = scenario.createDevices(0);
        FaultSchedule schedule = new FaultSchedule(scenario, devices);
        String admin = minter.mint(TokenSpec.deviceAdmin("biomed-ana"));
        // DIAL-0001 and DIAL-0003 have documents; DIAL-0002 has none yet (404: keeps running uncalibrated)
        assertThat(put("DIAL-0001", String.format(BASE_DOC, ""), admin, "If-None-Match", "*")).isEqualTo(201);
        assertThat(put("DIAL-0003", String.format(BASE_DOC, ""), admin, "If-None-Match", "*")).isEqualTo(201);
        String collector = minter.mint(TokenSpec.collector("SIM-EDGE-01", "DIAL-0001", "DIAL-0002", "DIAL-0003"));
        SettingsPoller poller = new SettingsPoller(
                new SettingsClient(URI.create("http://127.0.0.1:" + server.port()), collector, Duration.ofSeconds(10)),
                devices, Duration.ofSeconds(5));

        List<DialysisRecord> records = new ArrayList<>();
        long t0 = scenario.start().toEpochMilli();
        poller.pollOnce(); // version 1 for DIAL-0001 and DIAL-0003
        run(schedule, devices, t0, 0, 8 * 60, poller, records); // the drift starts at minute 2
        // minutes 3..8: drift; the loop polls every 30 s and gets 304s for the unchanged documents
        assertThat(divergence(records, "DIAL-0001", t0 + 3 * 60_000L, t0 + 8 * 60_000L)).isGreaterThan(0.4);
        assertThat(poller.stats().unchanged()).isGreaterThan(0);
        assertThat(poller.stats().missing()).isGreaterThan(0);
        assertThat(versions(records, "DIAL-0001")).containsOnly(1L);
        assertThat(versions(records, "DIAL-0002")).containsOnly((Long) null);

        // the admin recalibrates: the primary cell reads 0.5 high, so the offset is -0.5
        assertThat(put("DIAL-0001", String.format(BASE_DOC, ",\"conductivityOffsetMsCm\":-0.5"), admin,
                "If-Match", "\"1\"")).isEqualTo(200);
        records.clear();
        run(schedule, devices, t0, 8 * 60, 15 * 60, poller, records);

        assertThat(poller.stats().changed()).isEqualTo(3); // v1 twice at the start, then v2 once
        // applied at the next poll round (second 480, right after the write) and reported from then on
        assertThat(versions(records, "DIAL-0001")).containsOnly(2L);
        assertThat(divergence(records, "DIAL-0001", t0 + 10 * 60_000L, t0 + 15 * 60_000L)).isLessThan(0.10);
        assertThat(versions(records, "DIAL-0003")).containsOnly(1L);
    }

    /**
     * api-v1 v1.1 {@code calibration.pressureOffsetMmHg}: the pressure-offset scenario's PUMP-0001 reads 30 mmHg high
     * from minute 2 and is paused from minute 3; the admin writes an offset of -30 at minute 4 and the paused
     * readings fall back to what a healthy sensor reads (~5 mmHg), below the rule's clear threshold of 8.
     */
    @Test
    void shouldCorrectAPressureSensorOffsetWithThePressureOffsetOfTheSettings() throws Exception {
        Scenario scenario = ScenarioLoader.load("pressure-offset");
        List<SimulatedDevice> devices = scenario.createDevices(0);
        FaultSchedule schedule = new FaultSchedule(scenario, devices);
        String admin = minter.mint(TokenSpec.deviceAdmin("biomed-ana"));
        String doc = "{\"careUnit\":\"ICU-4A\",\"calibration\":{\"lastCalibratedAt\":\"2026-05-02T08:00:00Z\","
                + "\"intervalDays\":180%s}}";
        assertThat(put("PUMP-0001", String.format(doc, ""), admin, "If-None-Match", "*")).isEqualTo(201);
        assertThat(put("PUMP-0001", String.format(doc, ",\"pressureOffsetMmHg\":-30.5"), admin, "If-Match",
                "\"1\"")).as("out of range: -30.0 to 30.0").isEqualTo(400);
        String collector = minter.mint(TokenSpec.collector("SIM-EDGE-01", "PUMP-0001", "PUMP-0002"));
        SettingsPoller poller = new SettingsPoller(
                new SettingsClient(URI.create("http://127.0.0.1:" + server.port()), collector, Duration.ofSeconds(10)),
                devices, Duration.ofSeconds(5));
        long t0 = scenario.start().toEpochMilli();
        List<PumpRecord> records = new ArrayList<>();
        poller.pollOnce();
        runPumps(schedule, devices, t0, 0, 4 * 60, poller, records);
        assertThat(pausedPressure(records, t0 + 190_000, t0 + 240_000)).isGreaterThan(30);

        assertThat(put("PUMP-0001", String.format(doc, ",\"pressureOffsetMmHg\":-30"), admin, "If-Match", "\"1\""))
                .isEqualTo(200);
        records.clear();
        runPumps(schedule, devices, t0, 4 * 60, 8 * 60, poller, records);
        assertThat(versions(records, "PUMP-0001")).containsOnly(2L);
        assertThat(pausedPressure(records, t0 + 250_000, t0 + 470_000)).isBetween(0.0, 8.0);
    }

    private static double pausedPressure(List<PumpRecord> records, long fromMillis, long toMillis) {
        return records.stream()
                .filter(r -> r.deviceId().equals("PUMP-0001") && r.tsMillis() >= fromMillis && r.tsMillis() <= toMillis
                        && r.metrics().state() == PumpState.PAUSED)
                .mapToDouble(r -> r.metrics().pressureMmHg())
                .average()
                .orElseThrow();
    }

    /** As {@link #run} for pumps. */
    private static void runPumps(FaultSchedule schedule, List<SimulatedDevice> devices, long t0, int fromSec,
            int toSec, SettingsPoller poller, List<PumpRecord> out) throws InterruptedException {
        TelemetryDecoder decoder = new TelemetryDecoder();
        for (int s = fromSec; s < toSec; s++) {
            if (s > 0 && s % 30 == 0) {
                poller.pollOnce();
            }
            for (SimulatedDevice d : devices) {
                schedule.turn(d, t0 + s * 1_000L, s * 1_000L, (key, data) -> {
                    DecodeResult r = decoder.decode(data, Long.MAX_VALUE / 2);
                    out.add((PumpRecord) ((DecodeResult.Decoded) r).record());
                });
            }
        }
    }

    @Test
    void shouldAnswerNotFoundForADeviceOutsideTheCollectorsDeviceIds() throws Exception {
        String admin = minter.mint(TokenSpec.deviceAdmin("biomed-ana"));
        assertThat(put("DIAL-0042", String.format(BASE_DOC, ""), admin, "If-None-Match", "*")).isEqualTo(201);
        SettingsClient client = new SettingsClient(URI.create("http://127.0.0.1:" + server.port()),
                minter.mint(TokenSpec.collector("SIM-EDGE-02", "DIAL-0001")), Duration.ofSeconds(10));

        assertThat(client.poll("DIAL-0042", null)).isInstanceOf(SettingsClient.Poll.Missing.class);
        SettingsClient bad = new SettingsClient(URI.create("http://127.0.0.1:" + server.port()), "not-a-token",
                Duration.ofSeconds(10));
        assertThat(bad.poll("DIAL-0001", null)).isEqualTo(new SettingsClient.Poll.Failed(401, "HTTP 401"));
    }

    /** One turn per device per second from {@code fromSec} to {@code toSec}; a poll round every 30 s. */
    private static void run(FaultSchedule schedule, List<SimulatedDevice> devices, long t0, int fromSec, int toSec,
            SettingsPoller poller, List<DialysisRecord> out) throws InterruptedException {
        TelemetryDecoder decoder = new TelemetryDecoder();
        for (int s = fromSec; s < toSec; s++) {
            if (s > 0 && s % 30 == 0) {
                poller.pollOnce();
            }
            for (SimulatedDevice d : devices) {
                schedule.turn(d, t0 + s * 1_000L, s * 1_000L, (key, data) -> {
                    DecodeResult r = decoder.decode(data, Long.MAX_VALUE / 2);
                    out.add((DialysisRecord) ((DecodeResult.Decoded) r).record());
                });
            }
        }
    }

    private static double divergence(List<DialysisRecord> records, String deviceId, long fromMillis, long toMillis) {
        return records.stream()
                .filter(r -> r.deviceId().equals(deviceId) && r.tsMillis() >= fromMillis && r.tsMillis() <= toMillis
                        && r.metrics().state() == DialysisState.TREATMENT)
                .mapToDouble(r -> Math.abs(r.metrics().conductivityMsCm() - r.metrics().conductivityRefMsCm()))
                .average()
                .orElseThrow();
    }

    private static List<Long> versions(List<? extends TelemetryRecord> records, String deviceId) {
        return records.stream().filter(r -> r.deviceId().equals(deviceId))
                .map(r -> r.envelope().settingsVersion()).toList();
    }

    private int put(String deviceId, String body, String token, String header, String value)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/v1/devices/" + deviceId + "/settings"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header(header, value)
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
