package vigil.consumer.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.consumer.rules.Records.at;
import static vigil.consumer.rules.Records.pump;
import static vigil.consumer.rules.Records.running;

import org.junit.jupiter.api.Test;
import vigil.telemetry.PumpState;

/** DEVICE_OFFLINE and DATA_QUALITY on processing time (a manual clock: the tick times passed in). */
class ProcessingTimeRulesTest {
    private static final String PUMP = "PUMP-0001";
    private final EngineHarness h = new EngineHarness();

    @Test
    void shouldRaiseOfflineHighForARunningPumpAfterThirtySecondsAndLatchWhenItReturns() {
        h.offer(running(PUMP, 0, 0, 60, 0, 100), at(1)); // arrived at t=1 s
        assertThat(h.tick(at(30.999))).as("29.999 s silent").isEmpty();
        assertThat(h.tick(at(31))).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.DEVICE_OFFLINE);
            assertThat(a.priority()).isEqualTo(Priority.HIGH);
            assertThat(a.alertId()).isEqualTo(PUMP + ":DEVICE_OFFLINE:" + at(0)); // newest ts when it went silent
            assertThat(a.updatedMillis()).isEqualTo(at(31));
        });
        assertThat(h.tick(at(36))).as("still silent, already open").isEmpty();
        assertThat(h.offer(running(PUMP, 1, 40, 60, 0.5, 99.5), at(41))).singleElement()
                .satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.LATCHED));
    }

    @Test
    void shouldRaiseOfflineLowForAStoppedPumpAndClearItWhenALateRecordArrives() {
        h.offer(pump(PUMP, 5, 0, PumpState.STOPPED, 0, 0, 0, 0, 100, true, null), at(0));
        assertThat(h.tick(at(30))).singleElement().satisfies(a -> assertThat(a.priority()).isEqualTo(Priority.LOW));
        h.engine.onLate(h.engine.track(PUMP), at(50)); // a late record still ends the silence
        assertThat(h.drain()).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.CLEARED));
    }

    @Test
    void shouldRaiseDataQualityOnTheFifthRejectionWithinFiveMinutesAndClearAfterFiveQuietMinutes() {
        DeviceRules d = h.engine.track(PUMP);
        h.engine.onRejected(d, at(0));
        for (int i = 1; i <= 3; i++) {
            h.engine.onRejected(d, at(100 * i));
        }
        h.engine.onRejected(d, at(300)); // 5 in (0, 300]? the one at 0 is exactly 5 min old: out
        assertThat(h.drain()).isEmpty();
        h.engine.onRejected(d, at(310)); // 100, 200, 300, 300, 310
        assertThat(h.drain()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.DATA_QUALITY);
            assertThat(a.raisedTs()).isEqualTo(at(310));
            assertThat(a.deviceType()).isNull(); // no accepted record yet
        });
        assertThat(h.tick(at(609.999))).isEmpty();
        assertThat(h.tick(at(610))).singleElement()
                .satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.CLEARED));
    }
}
