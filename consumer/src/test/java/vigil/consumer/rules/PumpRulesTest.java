package vigil.consumer.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static vigil.consumer.rules.Records.at;
import static vigil.consumer.rules.Records.pump;
import static vigil.consumer.rules.Records.running;

import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.telemetry.PumpState;

/** Golden tests of the pump rules of alerts-v1.md: raise, clear, escalation, non-evaluable spans. */
class PumpRulesTest {
    private static final String PUMP = "PUMP-0001";
    private final EngineHarness h = new EngineHarness();

    @Test
    void shouldRaiseFlowDriftWhenDeliveredVolumeIsSixPercentHighAndClearWhenItFallsBelowThree() {
        // 120 mL/h programmed, one record every 30 s: 1.00 mL expected per pair; 1.06 delivered until t=300 s.
        double infused = 0;
        for (int k = 0; k <= 10; k++) {
            List<AlertTransition> t = h.offer(running(PUMP, k, 30 * k, 120, infused, 500));
            if (k < 10) {
                assertThat(t).as("span %d s < 5 min of running time: not evaluable", 30 * k).isEmpty();
            }
            infused += 1.06;
        }
        // now=300: pairs 0..270 -> 10 pairs, 300 s, expected 10 mL, delivered 10.6 mL -> +6.0 %
        assertThat(h.all).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.FLOW_ACCURACY_DRIFT);
            assertThat(a.priority()).isEqualTo(Priority.MEDIUM);
            assertThat(a.alertId()).isEqualTo(PUMP + ":FLOW_ACCURACY_DRIFT:" + at(300));
            assertThat(a.value()).isCloseTo(6.0, within(1e-6));
        });
        infused -= 1.06;
        for (int k = 11; k <= 19; k++) { // exact delivery from t=300 on
            infused += 1.0;
            h.offer(running(PUMP, k, 30 * k, 120, infused, 500));
        }
        // now=570: window (-30, 570]: 19 pairs, 10 of them +6 % -> 3.16 %: between clear and raise, held
        assertThat(h.of(AlertType.FLOW_ACCURACY_DRIFT)).hasSize(1);
        assertThat(h.figures(PUMP).flowErrorPct()).isCloseTo(100 * 0.6 / 19, within(1e-6));
        infused += 1.0;
        h.offer(running(PUMP, 20, 600, 120, infused, 500));
        // now=600: window (0, 600]: pair 0-30 is out, 9 of 19 pairs high -> 2.84 % < 3 -> cleared
        assertThat(h.of(AlertType.FLOW_ACCURACY_DRIFT)).last().satisfies(a -> {
            assertThat(a.status()).isEqualTo(AlertStatus.CLEARED);
            assertThat(a.clearedMillis()).isEqualTo(at(600));
        });
    }

    @Test
    void shouldCountNeitherExpectedNorDeliveredVolumeWhilePaused() {
        // running 0..150 s (pairs 0..150: 180 s), paused 180..420 s, running again from 450 s; +6 % while running
        double infused = 0;
        long seq = 0;
        for (int s = 0; s <= 540; s += 30) {
            PumpState state = s >= 180 && s <= 420 ? PumpState.PAUSED : PumpState.RUNNING;
            double pressure = state == PumpState.RUNNING ? 80 : 0; // no pressure offset while paused
            assertThat(h.offer(pump(PUMP, seq++, s, state, 120, infused, 500, pressure, 100, true, "inf-1")))
                    .as("running time below 300 s at t=%d", s).isEmpty();
            if (state == PumpState.RUNNING) {
                infused += 1.06;
            }
        }
        // now=540: running pairs 0..150 and 450..510: 9 pairs = 270 s: not evaluable (the pause would add 270 s)
        assertThat(h.figures(PUMP).flowErrorPct()).isNull();
        h.offer(pump(PUMP, seq, 570, PumpState.RUNNING, 120, infused, 500, 80, 100, true, "inf-1"));
        // now=570: window (-30, 570]: pairs 0..150 and 450..540: 10 pairs = 300 s, all +6 %
        assertThat(h.all).singleElement().satisfies(a -> assertThat(a.value()).isCloseTo(6.0, within(1e-6)));
    }

    @Test
    void shouldRaisePressureOffsetAfterSixtySecondsSettledAndClearOnceTheMeanIsBelowEight() {
        // stopped from t=0: the record at 0 is not settled (v1.1 settleSec=10), 10 s and later are
        for (int s = 0; s <= 60; s += 10) {
            assertThat(h.offer(pump(PUMP, s, s, PumpState.STOPPED, 0, 0, 0, 20, 100, true, null)))
                    .as("settled span %d s < 60 s", Math.max(0, s - 10)).isEmpty();
        }
        h.offer(pump(PUMP, 70, 70, PumpState.STOPPED, 0, 0, 0, 20, 100, true, null));
        assertThat(h.all).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.PRESSURE_SENSOR_OFFSET);
            assertThat(a.priority()).isEqualTo(Priority.LOW);
            assertThat(a.raisedTs()).isEqualTo(at(70));
        });
        for (int s = 80; s <= 140; s += 10) {
            h.offer(pump(PUMP, s, s, PumpState.STOPPED, 0, 0, 0, 0, 100, true, null));
        }
        // now=140: window (20, 140]: a record exactly 2 min old is out; 20 mmHg at 30..70 (5), 0 at 80..140 (7)
        assertThat(h.figures(PUMP).pressureOffsetMmHg()).isCloseTo(100.0 / 12, within(1e-9));
        assertThat(h.of(AlertType.PRESSURE_SENSOR_OFFSET)).hasSize(1);
        h.offer(pump(PUMP, 150, 150, PumpState.STOPPED, 0, 0, 0, 0, 100, true, null));
        // now=150: window (30, 150]: 80 / 12 = 6.67 < 8
        assertThat(h.of(AlertType.PRESSURE_SENSOR_OFFSET)).last()
                .satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.CLEARED));
    }

    @Test
    void shouldRaiseNearEndMediumEscalateToHighAndLatchWhenThePumpStops() {
        // 60 mL/h measured (0.5 mL per 30 s); vtbi 16 - 0.5k mL, so minutesToEmpty = vtbi
        for (int k = 0; k <= 2; k++) {
            assertThat(h.offer(running(PUMP, k, 30 * k, 60, 0.5 * k, 16 - 0.5 * k))).isEmpty();
        }
        // k=3: 14.5 min < 15 -> MEDIUM
        assertThat(h.offer(running(PUMP, 3, 90, 60, 1.5, 14.5))).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.INFUSION_NEAR_END);
            assertThat(a.priority()).isEqualTo(Priority.MEDIUM);
            assertThat(a.value()).isCloseTo(14.5, within(1e-9));
        });
        for (int k = 4; k <= 22; k++) {
            assertThat(h.offer(running(PUMP, k, 30 * k, 60, 0.5 * k, 16 - 0.5 * k))).isEmpty();
        }
        // k=23: 4.5 min < 5 -> HIGH
        assertThat(h.offer(running(PUMP, 23, 690, 60, 11.5, 4.5))).singleElement().satisfies(a -> {
            assertThat(a.change()).isEqualTo(Change.ESCALATED);
            assertThat(a.priority()).isEqualTo(Priority.HIGH);
            assertThat(a.maxPriority()).isEqualTo(Priority.HIGH);
        });
        // stopped: the "newest state not running" clear; maxPriority HIGH -> LATCHED
        AlertTransition latched = h.offer(pump(PUMP, 24, 720, PumpState.STOPPED, 60, 11.5, 4.5, 10, 100, true,
                "inf-1")).stream().filter(a -> a.type() == AlertType.INFUSION_NEAR_END).findFirst().orElseThrow();
        assertThat(latched.status()).isEqualTo(AlertStatus.LATCHED);
        assertThat(h.offer(pump(PUMP, 25, 750, PumpState.STOPPED, 60, 11.5, 4.5, 10, 100, true, "inf-1")))
                .as("a later clear does nothing to LATCHED").isEmpty();
        assertThat(h.engine.acknowledge(new Acknowledgement(latched.alertId(), "nurse-1", at(800), null))).isTrue();
        assertThat(h.drain()).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(AlertStatus.CLEARED);
            assertThat(a.ackBy()).isEqualTo("nurse-1");
            assertThat(a.history()).extracting(HistoryEntry::change).containsExactly(Change.RAISED,
                    Change.ESCALATED, Change.LATCHED, Change.CLEARED);
        });
    }

    @Test
    void shouldNotEvaluateNearEndWhenTheRateIsBelowATenthOfAMlPerHour() {
        assertThat(h.offer(running(PUMP, 0, 0, 0.05, 0, 1))).isEmpty();
        assertThat(h.figures(PUMP).minutesToEmpty()).isNull();
    }

    @Test
    void shouldRaiseBatteryFromPercentOnlyBelowTheThreeMinuteSpan() {
        assertThat(h.offer(pump(PUMP, 0, 0, PumpState.RUNNING, 60, 0, 500, 80, 9.5, false, null)))
                .singleElement().satisfies(a -> {
                    assertThat(a.type()).isEqualTo(AlertType.BATTERY_DEPLETION);
                    assertThat(a.priority()).isEqualTo(Priority.MEDIUM);
                });
        assertThat(h.figures(PUMP).batteryMinutesLeft()).as("unknown below 3 min").isNull();
    }

    @Test
    void shouldProjectBatteryDrainRaiseAtTheMinSpanEscalateAndLatchOnMains() {
        // 0.5 %/min drain from 12 %: one record every 30 s
        for (int k = 0; k <= 5; k++) {
            assertThat(h.offer(pump(PUMP, k, 30 * k, PumpState.RUNNING, 60, 0, 500, 80, 12 - 0.25 * k, false, null)))
                    .as("span %d s < 180 s and pct > 10", 30 * k).isEmpty();
        }
        // k=6, t=180: span 3 min, 10.5 % / 0.5 = 21 min < 30 -> MEDIUM
        assertThat(h.offer(pump(PUMP, 6, 180, PumpState.RUNNING, 60, 0, 500, 80, 10.5, false, null)))
                .singleElement().satisfies(a -> assertThat(a.value()).isCloseTo(21.0, within(1e-6)));
        for (int k = 7; k <= 28; k++) {
            h.offer(pump(PUMP, k, 30 * k, PumpState.RUNNING, 60, 0, 500, 80, 12 - 0.25 * k, false, null));
        }
        assertThat(h.of(AlertType.BATTERY_DEPLETION)).hasSize(1);
        // k=29: 4.75 % / 0.5 = 9.5 min < 10 -> HIGH
        assertThat(h.offer(pump(PUMP, 29, 870, PumpState.RUNNING, 60, 0, 500, 80, 4.75, false, null)))
                .singleElement().satisfies(a -> assertThat(a.priority()).isEqualTo(Priority.HIGH));
        assertThat(h.offer(pump(PUMP, 30, 900, PumpState.RUNNING, 60, 0, 500, 80, 4.5, true, null)))
                .singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.LATCHED));
    }
}
