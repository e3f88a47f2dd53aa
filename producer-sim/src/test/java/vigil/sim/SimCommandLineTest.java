package vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.TelemetryDecoder;

class SimCommandLineTest {

    @Test
    void shouldUseTheDocumentedDefaults() throws Exception {
        SimCommandLine cli = SimCommandLine.parse();

        assertThat(cli.config().pumps()).isEqualTo(8);
        assertThat(cli.config().dialysisMachines()).isEqualTo(4);
        assertThat(cli.config().recordsPerSecond()).isEqualTo(20.0);
        assertThat(cli.config().duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(cli.config().maxRecords()).isZero();
        assertThat(cli.config().careUnits()).containsExactly("ICU-4A", "WARD-3B", "DIALYSIS-2");
        assertThat(cli.streamName()).isEqualTo("vigil-telemetry");
        assertThat(cli.kinesisEndpoint()).isNull();
        assertThat(cli.outFile()).isNull();
        assertThat(cli.aggregate()).isFalse();
    }

    @Test
    void shouldTurnOnAggregationWithTheKplsDefaultSizeUnlessGiven() throws Exception {
        assertThat(SimCommandLine.parse("--aggregate").maxAggregateBytes()).isEqualTo(51_200);
        SimCommandLine cli = SimCommandLine.parse("--aggregate", "--aggregate-max-bytes", "8192");
        assertThat(cli.aggregate()).isTrue();
        assertThat(cli.maxAggregateBytes()).isEqualTo(8_192);
    }

    @Test
    void shouldDropTheDefaultDurationWhenOnlyARecordCountIsGiven() throws Exception {
        SimCommandLine cli = SimCommandLine.parse("--records", "500");

        assertThat(cli.config().duration()).isNull();
        assertThat(cli.config().maxRecords()).isEqualTo(500);
    }

    @Test
    void shouldTurnAPerDeviceIntervalIntoATotalRate() throws Exception {
        SimCommandLine cli = SimCommandLine.parse("--pumps", "6", "--dialysis", "4", "--interval", "2s");

        assertThat(cli.config().recordsPerSecond()).isEqualTo(5.0);
    }

    @Test
    void shouldStartWithABacklogOfTheGivenDeviceTimeWhenCatchingUp() throws Exception {
        assertThat(SimCommandLine.parse().config().catchUp()).isZero();
        SimCommandLine cli = SimCommandLine.parse("--interval", "1s", "--catch-up", "11m");

        assertThat(cli.config().catchUp()).isEqualTo(Duration.ofMinutes(11));
    }

    @Test
    void shouldRefuseACatchUpIntoAFileOrFromAFixedStart() {
        assertThatThrownBy(() -> SimCommandLine.parse("--catch-up", "60s", "--out", "x.jsonl"))
                .isInstanceOf(SimCommandLine.UsageException.class).hasMessageContaining("--out");
        assertThatThrownBy(() -> SimCommandLine.parse("--catch-up", "60s", "--start", "2026-11-22T08:00:00Z"))
                .isInstanceOf(SimCommandLine.UsageException.class).hasMessageContaining("--start");
        assertThatThrownBy(() -> SimCommandLine.parse("--catch-up", "25h"))
                .isInstanceOf(SimCommandLine.UsageException.class).hasMessageContaining("catchUp");
    }

    @Test
    void shouldParseEveryOption() throws Exception {
        SimCommandLine cli = SimCommandLine.parse("--seed", "-7", "--start-seq", "1000", "--care-units", "A1, B2",
                "--collector-id", "EDGE-9", "--stream", "s1", "--kinesis-endpoint", "http://127.0.0.1:4567",
                "--region", "eu-west-1", "--out", "x.jsonl", "--max-in-flight", "8", "--progress", "PT2S",
                "--duration", "1.5m", "--rate", "12.5");

        assertThat(cli.config().seed()).isEqualTo(-7);
        assertThat(cli.config().startSeq()).isEqualTo(1000);
        assertThat(cli.config().careUnits()).containsExactly("A1", "B2");
        assertThat(cli.config().collectorId()).isEqualTo("EDGE-9");
        assertThat(cli.config().duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(cli.config().recordsPerSecond()).isEqualTo(12.5);
        assertThat(cli.streamName()).isEqualTo("s1");
        assertThat(cli.kinesisEndpoint()).hasPort(4567);
        assertThat(cli.region()).isEqualTo("eu-west-1");
        assertThat(cli.outFile()).isEqualTo(Path.of("x.jsonl"));
        assertThat(cli.maxInFlightRequests()).isEqualTo(8);
        assertThat(cli.progressInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--bogus 1                      | unknown option '--bogus'",
        "--pumps                        | --pumps needs a value",
        "--pumps x                      | --pumps: 'x' is not a whole number",
        "--pumps -1                     | --pumps must be 0..100000",
        "--pumps 0 --dialysis 0         | need at least one device",
        "--rate 0                       | --rate must be a positive number",
        "--rate fast                    | --rate: 'fast' is not a number",
        "--rate 5 --interval 1s         | give --rate or --interval, not both",
        "--duration 5x                  | --duration: '5x' is not a duration",
        "--duration 0s                  | --duration must be positive",
        "--records 0                    | --records must be 1..",
        "--care-units ICU/4A            | care unit must match",
        "--kinesis-endpoint localhost   | is not an http(s) URL",
        "--max-in-flight 100            | --max-in-flight must be 1..64",
        "--aggregate --out x.jsonl      | --aggregate is for Kinesis output",
        "--aggregate-max-bytes 4096     | --aggregate-max-bytes needs --aggregate",
        "--aggregate --aggregate-max-bytes 100 | --aggregate-max-bytes must be 1024..1000000",
        "stray                          | unexpected argument 'stray'",
    })
    void shouldExplainBadOptions(String args, String message) {
        assertThatThrownBy(() -> SimCommandLine.parse(args.trim().split("\\s+")))
                .isInstanceOf(SimCommandLine.UsageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void shouldDocumentEveryOptionInTheHelp() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = SimMain.run(new String[] {"--help"}, print(out), print(new ByteArrayOutputStream()), false);

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(List.of("--pumps", "--dialysis", "--care-units",
                "--collector-id", "--seed", "--start-seq", "--rate", "--interval", "--duration", "--records",
                "--stream", "--kinesis-endpoint", "--region", "--max-in-flight", "--aggregate",
                "--aggregate-max-bytes", "--out", "--arrival-times", "--progress", "--help", "(default"));
    }

    @Test
    void shouldExitWithUsageStatusAndAHintOnABadOption() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimMain.run(new String[] {"--rate", "-1"}, print(new ByteArrayOutputStream()), print(err), false);

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rate must be a positive number", "--help");
    }

    @Test
    void shouldWriteJsonLinesToTheOutFileInsteadOfKinesis(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sim.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimMain.run(new String[] {"--out", file.toString(), "--records", "120", "--rate", "2000"},
                print(new ByteArrayOutputStream()), print(err), false);

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(120);
        TelemetryDecoder decoder = new TelemetryDecoder();
        for (String line : lines) {
            assertThat(decoder.decode(line.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis()))
                    .isInstanceOf(DecodeResult.Decoded.class);
        }
    }

    /** --arrival-times: wrapper lines with the send time on the simulation's clock; only with --out. */
    @Test
    void shouldWriteWrapperLinesWithTheSendTimeWhenAskedForArrivalTimes(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SimCommandLine.parse("--arrival-times"))
                .isInstanceOf(SimCommandLine.UsageException.class).hasMessageContaining("--out");
        Path file = dir.resolve("sim.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimMain.run(new String[] {"--out", file.toString(), "--records", "40", "--rate", "4",
                "--start", "2026-11-22T08:00:00Z", "--arrival-times", "--fast"}, print(new ByteArrayOutputStream()),
                print(err), false);

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(40);
        TelemetryDecoder decoder = new TelemetryDecoder();
        long start = java.time.Instant.parse("2026-11-22T08:00:00Z").toEpochMilli();
        for (int i = 0; i < lines.size(); i++) {
            com.fasterxml.jackson.databind.JsonNode wrapper =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(i));
            assertThat(wrapper.get("arrivalMs").asLong()).isEqualTo(start + i * 250L); // 4 records/s
            byte[] payload = wrapper.get("payload").toString().getBytes(StandardCharsets.UTF_8);
            DecodeResult r = decoder.decode(payload, Long.MAX_VALUE / 2);
            assertThat(((DecodeResult.Decoded) r).record().tsMillis()).isEqualTo(start + i * 250L);
        }
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
