package vigil.consumer.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import vigil.telemetry.TelemetryRecord;

/**
 * Records shuffled within the lateness bound (each delayed by at most 100 s of event time, so none is late) give
 * the same alerts as the in-order stream: per device and type the same sequence of changes, each raise within the
 * lateness bound of the in-order raise (alerts-v1.md lets an out-of-order record that raises give its own ts as
 * raisedTs), and the same figures once every record is in. See {@link StreamGenerator} for the streams.
 */
class ReorderingPropertyTest {
    private static final long MAX_DELAY_MILLIS = 100_000;

    @Property(tries = 40, seed = "20261122")
    void shuffledWithinTheLatenessBoundGivesTheSameAlerts(@ForAll @LongRange(min = 1) long seed) {
        List<TelemetryRecord> inOrder = StreamGenerator.stream(seed, 80);
        List<TelemetryRecord> shuffled = StreamGenerator.shuffled(inOrder, seed * 31 + 7, MAX_DELAY_MILLIS);
        EngineHarness a = run(inOrder);
        EngineHarness b = run(shuffled);

        Map<String, List<AlertTransition>> expected = byDeviceAndType(a.all);
        Map<String, List<AlertTransition>> actual = byDeviceAndType(b.all);
        assertThat(actual.keySet()).as("seed %d", seed).isEqualTo(expected.keySet());
        assertThat(expected).as("the stream raises drift and offset alerts").containsKeys(
                "PUMP-0001/FLOW_ACCURACY_DRIFT", "PUMP-0002/PRESSURE_SENSOR_OFFSET",
                "DIAL-0001/CONDUCTIVITY_SENSOR_DRIFT");
        expected.forEach((key, want) -> {
            List<AlertTransition> got = actual.get(key);
            assertThat(got).extracting(AlertTransition::change).as("seed %d %s", seed, key)
                    .isEqualTo(want.stream().map(AlertTransition::change).toList());
            for (int i = 0; i < want.size(); i++) {
                assertThat(Math.abs(got.get(i).raisedTs() - want.get(i).raisedTs()))
                        .as("seed %d %s raisedTs", seed, key).isLessThanOrEqualTo(120_000L);
            }
        });
        for (String device : List.of("PUMP-0001", "PUMP-0002", "DIAL-0001")) {
            assertThat(same(a.figures(device), b.figures(device))).as("seed %d figures of %s", seed, device).isTrue();
        }
    }

    private static EngineHarness run(List<TelemetryRecord> records) {
        EngineHarness h = new EngineHarness();
        for (TelemetryRecord r : records) {
            h.offer(r);
        }
        return h;
    }

    private static Map<String, List<AlertTransition>> byDeviceAndType(List<AlertTransition> all) {
        Map<String, List<AlertTransition>> m = new LinkedHashMap<>();
        for (AlertTransition t : all) {
            m.computeIfAbsent(t.deviceId() + "/" + t.type(), k -> new ArrayList<>()).add(t);
        }
        return m;
    }

    private static boolean same(DeviceFigures x, DeviceFigures y) {
        return close(x.flowErrorPct(), y.flowErrorPct()) && close(x.pressureOffsetMmHg(), y.pressureOffsetMmHg())
                && close(x.conductivityDivergenceMsCm(), y.conductivityDivergenceMsCm())
                && close(x.minutesToEmpty(), y.minutesToEmpty()) && close(x.filterHoursLeft(), y.filterHoursLeft())
                && x.openAlertIds().size() == y.openAlertIds().size();
    }

    private static boolean close(Double x, Double y) {
        if (x == null || y == null) {
            return x == y;
        }
        return Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x));
    }
}
