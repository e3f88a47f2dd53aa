package vigil.consumer.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.consumer.rules.Records.at;
import static vigil.consumer.rules.Records.dialysis;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.telemetry.DialysisState;

/** alerts-v1.md, "Lifecycle": acknowledgement, latching, one open alert per type, settings-driven changes. */
class LifecycleTest {
    private static final String DIAL = "DIAL-0007";
    private static final long DAY = 86_400_000L;
    private final EngineHarness h = new EngineHarness();

    private void filter(long seq, double atSeconds, double hours) {
        h.offer(dialysis(DIAL, seq, atSeconds, DialysisState.TREATMENT, 14, 14, 37, 37, 5000, 60, 240, hours));
    }

    @Test
    void shouldAcknowledgeAnActiveAlertAndClearItOnItsClearCondition() {
        filter(0, 0, 860);
        String id = h.all.get(0).alertId();
        assertThat(h.engine.acknowledge(new Acknowledgement(id, "biomed-ana", at(10), "filter ordered"))).isTrue();
        assertThat(h.drain()).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(AlertStatus.ACKNOWLEDGED);
            assertThat(a.ackNote()).isEqualTo("filter ordered");
        });
        assertThat(h.engine.acknowledge(new Acknowledgement(id, "biomed-ana", at(11), null)))
                .as("already acknowledged").isFalse();
        filter(1, 30, 901); // a raise while open updates it, same alert
        assertThat(h.all).last().satisfies(a -> {
            assertThat(a.alertId()).isEqualTo(id);
            assertThat(a.status()).isEqualTo(AlertStatus.ACKNOWLEDGED);
            assertThat(a.priority()).isEqualTo(Priority.MEDIUM);
        });
        filter(2, 60, 0);
        assertThat(h.all).last().satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.CLEARED));
        filter(3, 90, 860);
        assertThat(h.all).last().satisfies(a -> {
            assertThat(a.alertId()).isEqualTo(DIAL + ":FILTER_LIFE:" + at(90)); // a new alert, new id
            assertThat(a.history()).hasSize(1);
        });
    }

    @Test
    void shouldNotAcknowledgeUnknownAlerts() {
        assertThat(h.engine.acknowledge(new Acknowledgement("DIAL-0007:FILTER_LIFE:1", "x", 0, null))).isFalse();
    }

    @Test
    void shouldApplyThresholdOverridesFromSettings() {
        DeviceSettings s = new DeviceSettings(4, "DIALYSIS-2", null, null, Map.of("FILTER_LIFE.limitHours", 1000.0));
        EngineHarness custom = new EngineHarness(id -> s);
        custom.offer(dialysis(DIAL, 0, 0, DialysisState.TREATMENT, 14, 14, 37, 37, 5000, 60, 240, 920));
        assertThat(custom.all).isEmpty(); // default 900 would raise MEDIUM; 1000 - 50 = 950 is the LOW line
        custom.offer(dialysis(DIAL, 1, 30, DialysisState.TREATMENT, 14, 14, 37, 37, 5000, 60, 240, 960));
        assertThat(custom.all).singleElement().satisfies(a -> {
            assertThat(a.priority()).isEqualTo(Priority.LOW);
            assertThat(a.threshold()).isEqualTo(950.0);
            assertThat(a.careUnit()).isEqualTo("DIALYSIS-2");
        });
    }

    @Test
    void shouldRaiseCalibrationOverdueAndClearItOnlyWhenSettingsMakeItNotOverdue() {
        DeviceSettings old = new DeviceSettings(1, "DIALYSIS-2", at(0) - 181 * DAY, 180, Map.of());
        EngineHarness hs = new EngineHarness(id -> old);
        hs.offer(Records.treatment(DIAL, 0, 0));
        assertThat(hs.all).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AlertType.CALIBRATION_OVERDUE);
            assertThat(a.priority()).isEqualTo(Priority.LOW);
        });
        hs.offer(Records.treatment(DIAL, 1, 30));
        assertThat(hs.all).hasSize(1);
        hs.engine.applySettings(DIAL, new DeviceSettings(2, "DIALYSIS-2", at(0) - DAY, 180, Map.of()));
        assertThat(hs.drain()).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.CLEARED));
    }

    @Test
    void shouldClearACalibrationRuleAlertWhenALaterCalibrationIsRecordedAndRaiseAgainIfTheFaultPersists() {
        for (int k = 0; k <= 5; k++) {
            h.offer(dialysis(DIAL, k, 30 * k, DialysisState.TREATMENT, 14.3, 14, 37, 37, 5000, 60, 240, 100));
        }
        AlertTransition raised = h.of(AlertType.CONDUCTIVITY_SENSOR_DRIFT).get(0);
        h.engine.applySettings(DIAL, new DeviceSettings(5, "DIALYSIS-2", at(160), 180, Map.of()));
        assertThat(h.drain()).singleElement().satisfies(a -> {
            assertThat(a.alertId()).isEqualTo(raised.alertId());
            assertThat(a.status()).isEqualTo(AlertStatus.CLEARED);
        });
        h.offer(dialysis(DIAL, 6, 180, DialysisState.TREATMENT, 14.3, 14, 37, 37, 5000, 60, 240, 100));
        assertThat(h.of(AlertType.CONDUCTIVITY_SENSOR_DRIFT)).last().satisfies(a -> {
            assertThat(a.status()).isEqualTo(AlertStatus.ACTIVE);
            assertThat(a.raisedTs()).isEqualTo(at(180));
        });
    }
}
