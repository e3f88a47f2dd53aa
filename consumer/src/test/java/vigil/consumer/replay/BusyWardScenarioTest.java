package vigil.consumer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.AlertType;
import vigil.consumer.rules.Change;
import vigil.consumer.rules.SettingsSource;
import vigil.sim.SimResult;
import vigil.sim.Simulation;
import vigil.sim.device.SimulatedDevice;
import vigil.sim.publish.RecordSink;
import vigil.sim.publish.SinkStats;
import vigil.sim.scenario.Fault;
import vigil.sim.scenario.FaultKind;
import vigil.sim.scenario.FaultSchedule;
import vigil.sim.scenario.Scenario;
import vigil.sim.scenario.ScenarioLoader;

/**
 * The busy-ward-24h scenario (producer-sim), shortened to its first two hours: 150 devices with a ward's everyday
 * life and stream faults, every record replayed with the arrival time the collector sent it at (wrapper lines, as
 * {@code vigil sim --arrival-times} writes them). No alert on a clean device that signals a fault (the sensor and
 * calibration rules, DEVICE_OFFLINE before the end of the run, DATA_QUALITY), and every injected device fault
 * raised within its rule's window. The 24-hour figures are in docs/scenarios.md.
 */
class BusyWardScenarioTest {
    private static final Duration LENGTH = Duration.ofHours(2);
    /** Alerts that say a device or its data stream is at fault; on a clean device each is a false alert. */
    static final Set<AlertType> FAULT_ALERTS = Set.of(AlertType.FLOW_ACCURACY_DRIFT,
            AlertType.PRESSURE_SENSOR_OFFSET, AlertType.CONDUCTIVITY_SENSOR_DRIFT, AlertType.TEMPERATURE_SENSOR_DRIFT,
            AlertType.DEVICE_OFFLINE, AlertType.DATA_QUALITY);
    /** Alerts on the true state of a clean device (the bag, battery, acid, filter); none expected but near-end. */
    static final Set<AlertType> STATE_ALERTS = Set.of(AlertType.BATTERY_DEPLETION, AlertType.CONCENTRATE_LOW,
            AlertType.FILTER_LIFE, AlertType.CALIBRATION_OVERDUE);

    /** The replay fed line by line, wrapper lines with the send time, as the file would hold them. */
    private static final class ReplaySink implements RecordSink {
        final Replay replay;
        long records;

        ReplaySink(Replay replay) {
            this.replay = replay;
        }

        @Override
        public void submit(String partitionKey, byte[] data) {
            throw new IllegalStateException("every record has a send time in a scheduled run");
        }

        @Override
        public void submit(String partitionKey, byte[] data, long sentMillis) {
            byte[] head = ("{\"arrivalMs\":" + sentMillis + ",\"payload\":").getBytes(StandardCharsets.US_ASCII);
            byte[] line = new byte[head.length + data.length + 1];
            System.arraycopy(head, 0, line, 0, head.length);
            System.arraycopy(data, 0, line, head.length, data.length);
            line[line.length - 1] = '}';
            replay.line(line, 0, line.length);
            records++;
        }

        @Override
        public boolean flush(Duration timeout) {
            return true;
        }

        @Override
        public SinkStats stats() {
            return new SinkStats(records, records, records, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void close() {}
    }

    /** The alert a device fault must raise and by when (epoch ms), from the scenario's faults. */
    private record Expected(String deviceId, AlertType type, long faultAtMillis, long deadlineMillis) {}

    static List<Expected> groundTruth(Scenario scenario, long durationMillis) {
        long start = scenario.start().toEpochMilli();
        List<Expected> out = new ArrayList<>();
        for (Fault f : scenario.faults()) {
            if (f.atMillis() >= durationMillis) {
                continue;
            }
            for (String id : f.deviceIds()) {
                switch (f.kind()) {
                    // alerts-v1 windows: flow 10 min, conductivity and temperature 5 min
                    case FLOW_DRIFT -> out.add(new Expected(id, AlertType.FLOW_ACCURACY_DRIFT,
                            start + f.atMillis(), start + f.atMillis() + 10 * 60_000));
                    case CONDUCTIVITY_DIVERGENCE -> out.add(new Expected(id, AlertType.CONDUCTIVITY_SENSOR_DRIFT,
                            start + f.atMillis(), start + f.atMillis() + 5 * 60_000));
                    case TEMPERATURE_DIVERGENCE -> out.add(new Expected(id, AlertType.TEMPERATURE_SENSOR_DRIFT,
                            start + f.atMillis(), start + f.atMillis() + 5 * 60_000));
                    // visible only while stopped or paused: 2 min (the window) from the pause during the fault
                    case PRESSURE_OFFSET -> {
                        long pauseAt = scenario.faults().stream()
                                .filter(p -> p.kind() == FaultKind.PAUSE && p.deviceIds().contains(id)
                                        && p.atMillis() >= f.atMillis() && p.atMillis() < f.endMillis())
                                .mapToLong(Fault::atMillis).min().orElseThrow();
                        out.add(new Expected(id, AlertType.PRESSURE_SENSOR_OFFSET, start + f.atMillis(),
                                start + pauseAt + 2 * 60_000));
                    }
                    default -> { }
                }
            }
        }
        return out;
    }

    @Test
    void shouldRaiseNoFaultAlertOnCleanDevicesAndEveryInjectedFaultWithinItsWindow() throws Exception {
        Scenario scenario = ScenarioLoader.load("busy-ward-24h").withDuration(LENGTH);
        List<SimulatedDevice> devices = scenario.createDevices(0);
        List<AlertTransition> raised = new ArrayList<>();
        Replay replay = new Replay(SettingsSource.NONE, t -> {
            if (t.change() == Change.RAISED) {
                raised.add(t);
            }
        });
        ReplaySink sink = new ReplaySink(replay);
        long start = scenario.start().toEpochMilli();
        SimResult result = Simulation.withScheduleClock(scenario.simConfig(0, Duration.ofSeconds(5)), devices,
                new FaultSchedule(scenario, devices), sink, start, true).run();
        assertThat(result.complete()).isTrue();
        long endMillis = start + LENGTH.toMillis();
        replay.finish(endMillis);

        List<Expected> truth = groundTruth(scenario, LENGTH.toMillis());
        Set<String> faulted = new HashSet<>();
        truth.forEach(e -> faulted.add(e.deviceId()));
        assertThat(truth).as("four device faults in the first two hours").hasSize(4);
        assertThat(replay.wrappedLines()).isEqualTo(sink.records).isGreaterThan(150L * 7_000);
        assertThat(replay.count("vigil.records.duplicate")).as("collector resends and duplicates").isPositive();

        List<String> falseAlerts = raised.stream()
                .filter(t -> !faulted.contains(t.deviceId()))
                .filter(t -> FAULT_ALERTS.contains(t.type()) || STATE_ALERTS.contains(t.type()))
                // DEVICE_OFFLINE raised by the last check, after every device stopped sending, is the end of the run
                .filter(t -> !(t.type() == AlertType.DEVICE_OFFLINE && t.updatedMillis() >= endMillis))
                .map(t -> t.deviceId() + " " + t.type() + " at " + java.time.Instant.ofEpochMilli(t.updatedMillis()))
                .toList();
        assertThat(falseAlerts).as("alerts on clean devices").isEmpty();

        for (Expected e : truth) {
            assertThat(raised).as("%s %s by %s", e.deviceId(), e.type(), java.time.Instant.ofEpochMilli(
                            e.deadlineMillis()))
                    .anySatisfy(t -> {
                        assertThat(t.deviceId()).isEqualTo(e.deviceId());
                        assertThat(t.type()).isEqualTo(e.type());
                        assertThat(t.raisedTs()).isBetween(e.faultAtMillis(), e.deadlineMillis());
                    });
        }
        Map<AlertType, Long> nearEnd = Map.of(AlertType.INFUSION_NEAR_END,
                raised.stream().filter(t -> t.type() == AlertType.INFUSION_NEAR_END).count());
        assertThat(nearEnd.get(AlertType.INFUSION_NEAR_END)).as("infusions end: the near-end prompt").isPositive();
    }
}
