package vigil.consumer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.consumer.rules.Records;
import vigil.telemetry.DialysisState;
import vigil.telemetry.TelemetryEncoder;

/** {@code vigil replay --compare} and {@code --report} on a hand-made file. */
class WhatIfTest {
    @TempDir
    Path dir;

    /**
     * Two dialysis machines, 10 minutes of treatment at one record per 10 s. FILTER_LIFE raises LOW at
     * filterHours >= limitHours - 50 (alerts-v1.md): with the default limit 900, DIAL-0001 (860 h) and DIAL-0002
     * (960 h) alert; with limitHours 1000 (B) only DIAL-0002 (960 >= 950) does.
     */
    private Path telemetry() throws IOException {
        TelemetryEncoder encoder = new TelemetryEncoder();
        Path file = dir.resolve("f.jsonl");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 60; i++) {
                out.write(encoder.encode(Records.dialysis("DIAL-0001", i, i * 10.0, DialysisState.TREATMENT, 14.0,
                        14.0, 37.0, 37.0, 5000, 60, 240, 860)));
                out.write('\n');
                out.write(encoder.encode(Records.dialysis("DIAL-0002", i, i * 10.0 + 1, DialysisState.TREATMENT,
                        14.0, 14.0, 37.0, 37.0, 5000, 60, 240, 960)));
                out.write('\n');
            }
        }
        return file;
    }

    private String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as("exit status; stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldListTheAlertThatDisappearsWhenBRaisesTheThreshold() throws IOException {
        Path file = telemetry();
        Path b = Files.writeString(dir.resolve("b.json"), "{\"thresholds\": {\"FILTER_LIFE\": {\"limitHours\": 1000}}}");

        String out = run(file.toString(), "--compare", b.toString());

        String raisedAt = java.time.Instant.ofEpochMilli(Records.at(0)).toString();
        assertThat(out).contains("Alerts only under A (disappear with B): 1")
                .contains("  - DIAL-0001 FILTER_LIFE raised " + raisedAt)
                .contains("Alerts only under B (appear with B): 0")
                .doesNotContain("- DIAL-0002");
        // per device-day: 2 machines over 590.001 s; A 2 alerts, B 1
        assertThat(out).containsPattern("FILTER_LIFE\\s+0\\.0\\s+2\\s+\\S+\\s+1\\s+\\S+\\s+-1");
    }

    @Test
    void shouldListTheAlertThatAppearsWhenBLowersTheThresholdForOneDeviceOnly() throws IOException {
        Path file = telemetry();
        Path a = Files.writeString(dir.resolve("a.json"), "{\"thresholds\": {\"FILTER_LIFE\": {\"limitHours\": 1000}}}");
        Path b = Files.writeString(dir.resolve("b.json"), """
                [{"thresholds": {"FILTER_LIFE": {"limitHours": 1000}}},
                 {"deviceId": "DIAL-0001", "careUnit": "DIALYSIS-2", "thresholds": {"FILTER_LIFE": {"limitHours": 900}}}]
                """);

        String out = run(file.toString(), "--settings", a.toString(), "--compare", b.toString());

        assertThat(out).contains("Alerts only under A (disappear with B): 0")
                .contains("Alerts only under B (appear with B): 1")
                .contains("  + DIAL-0001 FILTER_LIFE raised ");
    }

    @Test
    void shouldPrintTheBurdenReportInsteadOfTransitions() throws IOException {
        String out = run(telemetry().toString(), "--report");

        assertThat(out).doesNotContain("\"alertId\"")
                .contains("2 devices")
                .containsPattern("DIALYSIS-2\\s+dialysis\\s+FILTER_LIFE\\s+2\\s");
    }

    @Test
    void shouldRefuseAnUnknownThresholdName() throws IOException {
        Path file = telemetry();
        Path b = Files.writeString(dir.resolve("b.json"), "{\"thresholds\": {\"FILTER_LIFE\": {\"limitHrs\": 1000}}}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = ReplayMain.run(new String[] {file.toString(), "--compare", b.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown threshold FILTER_LIFE.limitHrs");
    }
}
