package vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.sim.publish.KinesisPublisher;
import vigil.sim.publish.KinesisStreams;
import vigil.sim.publish.PublisherConfig;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.TelemetryDecoder;
import vigil.telemetry.TelemetryRecord;

/** The programmatic API and the command line, end to end into a real Kinesis emulator. */
class SimulationKinesisTest {
    private static LocalAws aws;

    @BeforeAll
    static void startEmulators() {
        aws = LocalAws.start(LocalAwsConfig.defaults());
    }

    @AfterAll
    static void stopEmulators() {
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void shouldPutEverySimulatedRecordOnTheStreamAndReportTheLastSeqOfEachDevice() throws Exception {
        String stream = "simulation-api";
        KinesisStreams.create(aws.kinesisClient(), stream, 4);
        SimConfig config = SimConfig.defaults().withDevices(30, 20).withRecordsPerSecond(2_000).withLimits(null, 2_000);
        SimResult result;
        try (KinesisPublisher publisher = new KinesisPublisher(aws.kinesisClient(), PublisherConfig.defaults(stream))) {
            result = new Simulation(config, publisher).run();
        }
        assertThat(result.complete()).isTrue();
        assertThat(result.recordsSent()).isEqualTo(2_000);
        assertThat(result.lastSeqByDevice()).hasSize(50).allSatisfy((device, seq) -> assertThat(seq).isEqualTo(39));
        assertThat(lastSeqOnStream(stream)).isEqualTo(result.lastSeqByDevice());
    }

    @Test
    void shouldFlushEverythingGeneratedWhenABackgroundRunIsStopped() throws Exception {
        String stream = "simulation-background";
        KinesisStreams.create(aws.kinesisClient(), stream, 4);
        SimConfig untilStopped = SimConfig.defaults().withDevices(20, 10).withRecordsPerSecond(1_000).withLimits(null, 0);
        SimResult result;
        try (KinesisPublisher publisher = new KinesisPublisher(aws.kinesisClient(), PublisherConfig.defaults(stream))) {
            Simulation simulation = new Simulation(untilStopped, publisher);
            CompletableFuture<SimResult> done = simulation.start();
            SimulationTest.awaitGenerated(simulation, 51);
            simulation.stop();
            result = done.get(30, TimeUnit.SECONDS);
        }
        assertThat(result.complete()).isTrue();
        assertThat(result.recordsGenerated()).isGreaterThan(50); // stopped once 51 were generated
        assertThat(lastSeqOnStream(stream)).isEqualTo(result.lastSeqByDevice());
    }

    @Test
    void shouldRunFromTheCommandLineAgainstTheEmulatorAndPrintProgress() throws Exception {
        String stream = "simulation-cli";
        KinesisStreams.create(aws.kinesisClient(), stream, 2);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimMain.run(new String[] {
                    "--kinesis-endpoint", aws.kinesisEndpoint().toString(), "--region", LocalAws.REGION.id(),
                    "--stream", stream, "--pumps", "6", "--dialysis", "4", "--rate", "500", "--records", "600",
                    "--progress", "300ms"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false);

        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(status).as(stderr).isZero();
        assertThat(stderr).contains("rec/s now").contains("producer-sim: done. 600 records generated for 10 devices");
        assertThat(lastSeqOnStream(stream)).hasSize(10).allSatisfy((device, seq) -> assertThat(seq).isEqualTo(59));
    }

    @Test
    void shouldSendKplAggregatedRecordsFromTheCommandLineAndReportTheAggregation() throws Exception {
        String stream = "simulation-cli-aggregated";
        KinesisStreams.create(aws.kinesisClient(), stream, 2);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimMain.run(new String[] {
                    "--kinesis-endpoint", aws.kinesisEndpoint().toString(), "--region", LocalAws.REGION.id(),
                    "--stream", stream, "--pumps", "30", "--dialysis", "20", "--rate", "5000", "--records", "2000",
                    "--aggregate", "--aggregate-max-bytes", "4096"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false);

        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(status).as(stderr).isZero();
        assertThat(stderr).contains("producer-sim: done. 2000 records generated for 50 devices")
                .containsPattern("in \\d+ Kinesis records \\(\\d+\\.\\d per record\\)");
        // read back through KCL's de-aggregation: every device's 40 records, in order
        assertThat(lastSeqOnStream(stream)).hasSize(50).allSatisfy((device, seq) -> assertThat(seq).isEqualTo(39));
    }

    private static Map<String, Long> lastSeqOnStream(String stream) {
        TelemetryDecoder decoder = new TelemetryDecoder();
        Map<String, Long> last = new HashMap<>();
        for (KinesisStreams.ReadRecord r : KinesisStreams.readAll(aws.kinesisClient(), stream)) {
            DecodeResult decoded = decoder.decode(r.data(), System.currentTimeMillis());
            assertThat(decoded).isInstanceOf(DecodeResult.Decoded.class);
            TelemetryRecord record = ((DecodeResult.Decoded) decoded).record();
            Long previous = last.put(record.deviceId(), record.seq());
            assertThat(record.seq()).isEqualTo(previous == null ? 0 : previous + 1); // no loss, no duplicate, order
        }
        return last;
    }
}
