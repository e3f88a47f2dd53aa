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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
 * it was emitted per device, and is byte for byte what the same scenario and seed write to a file; plain and
 * KPL-aggregated alike (read back through KCL's de-aggregation).
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

    @ParameterizedTest(name = "aggregate={0}")
    @ValueSource(booleans = {false, true})
    void shouldDeliverEveryScenarioRecordInEmissionOrderUnderInjectedPartialFailures(boolean aggregate)
            throws Exception {
        String stream = "scenario-faults-" + (aggregate ? "aggregated" : "plain");
        KinesisStreams.create(aws.kinesisClient(), stream, 2);
        Scenario scenario = ScenarioLoader.load("stream-faults").withDuration(Duration.ofMinutes(6));

        Map<String, List<String>> expected = byDevice(runToFile(scenario));
        FaultInjectingKinesisClient faulty = new FaultInjectingKinesisClient(aws.kinesisClient(), 0.2, 7, 42L);
        SimResult result;
        List<SimulatedDevice> devices = scenario.createDevices(0);
        PublisherConfig config = PublisherConfig.defaults(stream);
        try (KinesisPublisher publisher = new KinesisPublisher(faulty,
                aggregate ? config.withAggregation(PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES) : config)) {
            result = Simulation.withScheduleClock(scenario.simConfig(0, Duration.ofSeconds(60)), devices,
                    new FaultSchedule(scenario, devices), publisher, scenario.start().toEpochMilli(), true).run();
        }

        assertThat(result.complete()).isTrue();
        assertThat(faulty.injectedEntryFailures()).isPositive();
        assertThat(faulty.injectedCallFailures()).isPositive();
        assertThat(result.sinkStats().retriedEntries()).isPositive();
        if (aggregate) { // simulated time runs ahead of the sends: many records per aggregate
            assertThat(result.sinkStats().transportRecords()).isLessThan(result.sinkStats().sent() / 10);
        }
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
