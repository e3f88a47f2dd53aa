package vigil.sim.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.sim.SimResult;
import vigil.sim.Simulation;
import vigil.sim.device.SimulatedDevice;
import vigil.sim.scenario.FaultSchedule;
import vigil.sim.scenario.Scenario;
import vigil.sim.scenario.ScenarioLoader;

/**
 * A scenario with stream faults (duplicates, swaps, late records) through the Kinesis publisher while PutRecords
 * fails partially and now and then as a whole: every record the scenario emitted is on the stream, in the order
 * it was emitted per device, and is byte for byte what the same scenario and seed write to a file.
 */
class ScenarioKinesisTest {
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
    void shouldDeliverEveryScenarioRecordInEmissionOrderUnderInjectedPartialFailures() throws Exception {
        String stream = "scenario-faults";
        KinesisStreams.create(aws.kinesisClient(), stream, 2);
        Scenario scenario = ScenarioLoader.load("stream-faults").withDuration(Duration.ofMinutes(6));

        Map<String, List<String>> expected = byDevice(runToFile(scenario));
        FaultInjectingKinesisClient faulty = new FaultInjectingKinesisClient(aws.kinesisClient(), 0.2, 7, 42L);
        SimResult result;
        List<SimulatedDevice> devices = scenario.createDevices(0);
        try (KinesisPublisher publisher = new KinesisPublisher(faulty, PublisherConfig.defaults(stream))) {
            result = Simulation.withScheduleClock(scenario.simConfig(0, Duration.ofSeconds(60)), devices,
                    new FaultSchedule(scenario, devices), publisher, scenario.start().toEpochMilli(), true).run();
        }

        assertThat(result.complete()).isTrue();
        assertThat(faulty.injectedEntryFailures()).isPositive();
        assertThat(faulty.injectedCallFailures()).isPositive();
        assertThat(result.sinkStats().retriedEntries()).isPositive();
        Map<String, List<String>> onStream = new LinkedHashMap<>();
        for (KinesisStreams.ReadRecord r : KinesisStreams.readAll(aws.kinesisClient(), stream)) {
            onStream.computeIfAbsent(r.partitionKey(), k -> new ArrayList<>())
                    .add(new String(r.data(), StandardCharsets.UTF_8));
        }
        assertThat(onStream).isEqualTo(expected);
    }

    private static String runToFile(Scenario scenario) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        List<SimulatedDevice> devices = scenario.createDevices(0);
        try (JsonLinesSink sink = new JsonLinesSink(bytes)) {
            assertThat(Simulation.withScheduleClock(scenario.simConfig(0, Duration.ofSeconds(5)), devices,
                    new FaultSchedule(scenario, devices), sink, scenario.start().toEpochMilli(), true).run()
                    .complete()).isTrue();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Lines grouped by device id in file order (the device id is the partition key). */
    private static Map<String, List<String>> byDevice(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int at = line.indexOf("\"deviceId\":\"") + 12;
            out.computeIfAbsent(line.substring(at, line.indexOf('"', at)), k -> new ArrayList<>()).add(line);
        }
        return out;
    }
}
