package vigil.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import vigil.sim.SimResult;
import vigil.sim.Simulation;
import vigil.sim.device.SimulatedDevice;
import vigil.sim.publish.JsonLinesSink;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.TelemetryDecoder;

/** Runs a scenario in virtual time into memory and decodes every line back with the shared codec. */
final class ScenarioRuns {
    /** One emitted line: its position in the output and what the decoder made of it. */
    record Line(int index, DecodeResult result) {}

    /** A finished run: the lines in emission order, the result, the device models and the schedule. */
    record Run(List<Line> lines, String text, SimResult result, List<SimulatedDevice> devices, FaultSchedule schedule) {}

    private ScenarioRuns() {}

    static Scenario load(String name) {
        try {
            return ScenarioLoader.load(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Run run(Scenario scenario) {
        List<SimulatedDevice> devices = scenario.createDevices(0);
        FaultSchedule schedule = new FaultSchedule(scenario, devices);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SimResult result;
        try (JsonLinesSink sink = new JsonLinesSink(bytes)) {
            result = Simulation.withScheduleClock(scenario.simConfig(0, Duration.ofSeconds(5)), devices, schedule,
                    sink, scenario.start().toEpochMilli(), true).run();
        }
        assertThat(result.complete()).as("run of %s complete", scenario.name()).isTrue();
        String text = bytes.toString(StandardCharsets.UTF_8);
        TelemetryDecoder decoder = new TelemetryDecoder();
        List<Line> lines = new ArrayList<>();
        int i = 0;
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                // "now" far ahead: these tests read back simulated device time, not the wall clock
                lines.add(new Line(i++, decoder.decode(line.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE / 2)));
            }
        }
        return new Run(lines, text, result, devices, schedule);
    }
}
