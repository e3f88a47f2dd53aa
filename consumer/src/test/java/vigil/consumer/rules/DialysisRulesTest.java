package vigil.consumer.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static vigil.consumer.rules.Records.at;
import static vigil.consumer.rules.Records.dialysis;

import org.junit.jupiter.api.Test;
import vigil.telemetry.DialysisState;

/** Golden tests of the dialysis rules of alerts-v1.md: raise, clear, escalation, resets, non-evaluable spans. */
class DialysisRulesTest {
    private static final String DIAL = "DIAL-0007";
    private static final DialysisState T = DialysisState.TREATMENT;
    private final EngineHarness h = new EngineHarness();

    @Test
    void shouldRaiseConductivityDriftAfterTheMinSpanAndClearWhenTheMeanIsBelowATenth() {
        for (int k = 0; k <= 4; k++) {
            assertThat(h.offer(dialysis(DIAL, k, 30 * k, T, 14.3, 14.0, 37, 37, 5000, 60, 240, 100)))
                    .as("span %d s < 150 s", 30 * k).isEmpty();
        }
        assertThat(h.offer(dialysis(DIAL, 5, 150, T, 14.3, 14.0, 37, 37, 5000, 60, 240, 100))).singleElement()
                .satisfies(a -> {
                    assertThat(a.type()).isEqualTo(AlertType.CONDUCTIVITY_SENSOR_DRIFT);
                    assertThat(a.value()).isCloseTo(0.3, within(1e-5));
                });
        for (int k = 6; k <= 11; k++) {
            h.offer(dialysis(DIAL, k, 30 * k, T, 14.0, 14.0, 37, 37, 5000, 60, 240, 100));
        }
        // now=330: window (30, 330]: 0.3 at 60..150 (4 records), 0 at 180..330 (6) -> 0.12: held
        assertThat(h.figures(DIAL).conductivityDivergenceMsCm()).isCloseTo(0.12, within(1e-6));
        assertThat(h.of(AlertType.CONDUCTIVITY_SENSOR_DRIFT)).hasSize(1);
        h.offer(dialysis(DIAL, 12, 360, T, 14.0, 14.0, 37, 37, 5000, 60, 240, 100));
        // now=360: 3 of 10 -> 0.09 < 0.10
        assertThat(h.of(AlertType.CONDUCTIVITY_SENSOR_DRIFT)).last()
                .satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.CLEARED));
    }

    @Test
    void shouldIgnoreRecordsOutsideTreatmentForTemperatureDrift() {
        for (int k = 0; k <= 10; k++) { // rinse with diverging sensors: no match
            h.offer(dialysis(DIAL, k, 30 * k, DialysisState.RINSE, 14, 14, 37.8, 37, 5000, 0, 240, 100));
        }
        assertThat(h.all).isEmpty();
        assertThat(h.figures(DIAL).temperatureDivergenceC()).isNull();
        for (int k = 11; k <= 16; k++) {
            h.offer(dialysis(DIAL, k, 30 * k, T, 14, 14, 37.8, 37, 5000, 0, 240, 100));
        }
        // treatment 330..480: span 150 s, mean 0.8 > 0.5
        assertThat(h.all).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.TEMPERATURE_SENSOR_DRIFT);
            assertThat(a.raisedTs()).isEqualTo(at(480));
        });
    }

    @Test
    void shouldRaiseConcentrateLowAndClearOnAReset() {
        // acid falls 10 mL/min (5 mL per 30 s); 1000 mL lasts ~100 min, treatment has ~180 min left
        for (int k = 0; k <= 5; k++) {
            assertThat(h.offer(dialysis(DIAL, k, 30 * k, T, 14, 14, 37, 37, 1000 - 5 * k, 60 + 0.5 * k, 240, 100)))
                    .as("span %d s < 3 min", 30 * k).isEmpty();
        }
        assertThat(h.offer(dialysis(DIAL, 6, 180, T, 14, 14, 37, 37, 970, 63, 240, 100))).singleElement()
                .satisfies(a -> {
                    assertThat(a.type()).isEqualTo(AlertType.CONCENTRATE_LOW);
                    assertThat(a.value()).isCloseTo(97.0, within(1e-6));
                });
        // a new canister: +4030 mL > 500 -> reset: cleared, and the records before it no longer count
        assertThat(h.offer(dialysis(DIAL, 7, 210, T, 14, 14, 37, 37, 5000, 63.5, 240, 100))).singleElement()
                .satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.CLEARED));
        for (int k = 8; k <= 20; k++) {
            h.offer(dialysis(DIAL, k, 30 * k, T, 14, 14, 37, 37, 5000 - 5 * (k - 7), 60 + 0.5 * k, 240, 100));
        }
        assertThat(h.of(AlertType.CONCENTRATE_LOW)).hasSize(2);
        assertThat(h.figures(DIAL).acidMinutesLeft()).isCloseTo(4935 / 10.0, within(1e-6));
    }

    @Test
    void shouldRaiseFilterLifeLowEscalateToMediumFallBackAndClear() {
        assertThat(h.offer(dialysis(DIAL, 0, 0, T, 14, 14, 37, 37, 5000, 60, 240, 849.9))).isEmpty();
        assertThat(h.offer(dialysis(DIAL, 1, 30, T, 14, 14, 37, 37, 5000, 60, 240, 850))).singleElement()
                .satisfies(a -> assertThat(a.priority()).isEqualTo(Priority.LOW));
        assertThat(h.offer(dialysis(DIAL, 2, 60, T, 14, 14, 37, 37, 5000, 60, 240, 900))).singleElement()
                .satisfies(a -> assertThat(a.priority()).isEqualTo(Priority.MEDIUM));
        assertThat(h.offer(dialysis(DIAL, 3, 90, T, 14, 14, 37, 37, 5000, 60, 240, 870))).singleElement()
                .satisfies(a -> {
                    assertThat(a.change()).isEqualTo(Change.DEESCALATED);
                    assertThat(a.maxPriority()).isEqualTo(Priority.MEDIUM);
                });
        assertThat(h.offer(dialysis(DIAL, 4, 120, T, 14, 14, 37, 37, 5000, 60, 240, 10))).singleElement()
                .satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.CLEARED));
        assertThat(h.figures(DIAL).filterHoursLeft()).isEqualTo(890.0);
    }
}
