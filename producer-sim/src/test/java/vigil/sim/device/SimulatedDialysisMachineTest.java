package vigil.sim.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vigil.telemetry.DeviceType;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisState;

class SimulatedDialysisMachineTest {
    private static final long T0_MILLIS = 1_714_521_600_000L;

    private static SimulatedDialysisMachine machine(long seed) {
        return new SimulatedDialysisMachine(
                new DeviceIdentity("DIAL-0001", DeviceType.DIALYSIS, "DIALYSIS-2", "HDX-40", "SIM-EDGE-01", null),
                seed, 0);
    }

    @Test
    void shouldKeepRedundantSensorsCloseAndProgressTowardsTheUfGoalDuringTreatment() {
        for (long seed = 0; seed < 10; seed++) {
            SimulatedDialysisMachine machine = machine(seed);
            Set<DialysisState> states = EnumSet.noneOf(DialysisState.class);
            DialysisMetrics previous = null;
            for (int i = 0; i < 10_000; i++) {
                DialysisMetrics m = machine.next(T0_MILLIS + i * 15_000L).metrics();
                states.add(m.state());
                assertThat(Math.abs(m.conductivityMsCm() - m.conductivityRefMsCm())).isLessThan(0.25);
                assertThat(Math.abs(m.dialysateTempC() - m.dialysateTempRefC())).isLessThan(0.4);
                assertThat(m.ufVolumeMl()).isLessThanOrEqualTo(m.ufGoalMl());
                assertThat(m.treatmentElapsedMin()).isLessThanOrEqualTo(m.treatmentPlannedMin());
                boolean sameTreatment = previous != null && previous.state() == DialysisState.TREATMENT
                        && m.state() == DialysisState.TREATMENT;
                if (sameTreatment) {
                    assertThat(m.ufVolumeMl()).as("seed %d step %d", seed, i).isGreaterThanOrEqualTo(previous.ufVolumeMl());
                    assertThat(m.treatmentElapsedMin()).isGreaterThan(previous.treatmentElapsedMin());
                    assertThat(m.acidRemainingMl()).isLessThanOrEqualTo(previous.acidRemainingMl());
                    assertThat(m.bloodFlowMlPerMin()).isGreaterThan(150);
                    assertThat(m.arterialPressureMmHg()).isNegative();
                }
                if (previous != null) {
                    assertThat(m.filterHours()).isGreaterThanOrEqualTo(previous.filterHours());
                }
                previous = m;
            }
            // about 42 simulated hours: every state of the cycle is visited
            assertThat(states).as("seed %d", seed).isEqualTo(EnumSet.allOf(DialysisState.class));
        }
    }

    @Test
    void shouldReachTheUfGoalWhenTheTreatmentEnds() {
        SimulatedDialysisMachine machine = machine(11);
        DialysisMetrics previous = machine.next(T0_MILLIS).metrics();
        for (int i = 1; i < 10_000; i++) {
            DialysisMetrics m = machine.next(T0_MILLIS + i * 10_000L).metrics();
            if (previous.state() == DialysisState.TREATMENT && m.state() == DialysisState.RINSE) {
                assertThat(m.ufVolumeMl()).isEqualTo(m.ufGoalMl());
                assertThat(m.treatmentElapsedMin()).isEqualTo(m.treatmentPlannedMin());
                return;
            }
            previous = m;
        }
        throw new AssertionError("no treatment ended in the simulated time");
    }
}
