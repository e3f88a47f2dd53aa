package vigil.sim.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vigil.telemetry.DeviceType;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;

class SimulatedPumpTest {
    private static final long T0_MILLIS = 1_714_521_600_000L;

    private static SimulatedPump pump(long seed) {
        return new SimulatedPump(
                new DeviceIdentity("PUMP-0001", DeviceType.INFUSION_PUMP, "ICU-4A", "LVP-200", "SIM-EDGE-01", null),
                seed, 0);
    }

    @Test
    void shouldGrowInfusedByRateTimesTimeAndShrinkVtbiByTheSameWhileRunning() {
        SimulatedPump pump = pump(7);
        PumpMetrics before = pump.next(T0_MILLIS).metrics();
        assertThat(before.state()).isEqualTo(PumpState.RUNNING);
        // 10 s later: rate [mL/h] * 10/3600 h, unless the infusion ended or paused in between (seed 7 does not)
        PumpMetrics after = pump.next(T0_MILLIS + 10_000).metrics();
        double expectedMl = before.rateMlPerHr() * 10 / 3600.0;

        assertThat(after.infusedMl() - before.infusedMl()).isCloseTo(expectedMl, within(0.011));
        assertThat(before.vtbiMl() - after.vtbiMl()).isCloseTo(expectedMl, within(0.011));
    }

    @Test
    void shouldNeverDecreaseInfusedWithinAnInfusionAndStartNewInfusionsFromZero() {
        for (long seed = 0; seed < 10; seed++) {
            SimulatedPump pump = pump(seed);
            Set<String> infusionIds = new HashSet<>();
            Set<PumpState> states = new HashSet<>();
            PumpMetrics previous = null;
            for (int i = 0; i < 20_000; i++) {
                PumpMetrics m = pump.next(T0_MILLIS + i * 10_000L).metrics();
                states.add(m.state());
                if (previous != null && m.infusionId().equals(previous.infusionId())) {
                    assertThat(m.infusedMl()).as("seed %d step %d", seed, i).isGreaterThanOrEqualTo(previous.infusedMl());
                    assertThat(m.vtbiMl()).as("seed %d step %d", seed, i).isLessThanOrEqualTo(previous.vtbiMl());
                } else if (previous != null) {
                    assertThat(infusionIds).doesNotContain(m.infusionId());
                    assertThat(m.infusedMl()).as("new infusion starts near 0").isLessThan(10);
                }
                infusionIds.add(m.infusionId());
                previous = m;
            }
            // about 55 simulated hours: several infusions, each ending in KVO and a stop (a 1,000 mL bag at 10 mL/h
            // alone takes 100 h, so a seed may see only three)
            assertThat(infusionIds).as("seed %d", seed).hasSizeGreaterThanOrEqualTo(3);
            assertThat(states).as("seed %d", seed).contains(PumpState.RUNNING, PumpState.KVO, PumpState.STOPPED);
        }
    }

    @Test
    void shouldKeepTheSameRecordWhenOnlyTheTimeOfAnotherDeviceChanges() {
        // the per-device stream depends only on seed and id: a second device does not disturb the first
        SimulatedPump alone = pump(3);
        SimulatedPump again = pump(3);
        SimulatedPump other = new SimulatedPump(
                new DeviceIdentity("PUMP-0002", DeviceType.INFUSION_PUMP, null, null, null, null), 3, 0);
        for (int i = 0; i < 50; i++) {
            PumpRecord a = alone.next(T0_MILLIS + i * 1_000L);
            other.next(T0_MILLIS + i * 777L);
            assertThat(again.next(T0_MILLIS + i * 1_000L)).isEqualTo(a);
        }
    }
}
