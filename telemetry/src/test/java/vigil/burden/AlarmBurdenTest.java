package vigil.burden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The burden report on hand-made alert histories: nuisance share, acknowledgement times, per device-day. */
class AlarmBurdenTest {
    private static final long T0 = 1_764_835_200_000L; // 2025-12-04T08:00:00Z
    private static final long MIN = 60_000L;
    private static final long DAY = AlarmBurden.DAY_MILLIS;
    private static final String PUMP = "infusion_pump";
    private static final String DIAL = "dialysis";

    private static AlertHistory.Step step(String change, long at) {
        return new AlertHistory.Step(change, at, AlertHistory.SYSTEM_ACTOR);
    }

    private static AlertHistory.Step ack(String change, long at) {
        return new AlertHistory.Step(change, at, "nurse-ana");
    }

    private static AlertHistory alert(String device, String unit, String type, long raised, AlertHistory.Step... rest) {
        List<AlertHistory.Step> steps = new ArrayList<>();
        steps.add(step("RAISED", raised));
        steps.addAll(List.of(rest));
        String deviceType = device.startsWith("PUMP") ? PUMP : DIAL;
        return new AlertHistory(device + ":" + type + ":" + raised, device, deviceType, unit, type, raised, steps);
    }

    @Test
    void shouldCountOnlySystemClearsWithinFiveMinutesWithoutAcknowledgementAsNuisance() {
        List<AlertHistory> alerts = List.of(
                // cleared by itself after 4 min: nuisance
                alert("PUMP-0001", "ICU-4A", "FLOW_ACCURACY_DRIFT", T0, step("CLEARED", T0 + 4 * MIN)),
                // exactly 5 min: still nuisance (within)
                alert("PUMP-0001", "ICU-4A", "FLOW_ACCURACY_DRIFT", T0 + 10 * MIN, step("CLEARED", T0 + 15 * MIN)),
                // 5 min and 1 ms: not
                alert("PUMP-0002", "ICU-4A", "FLOW_ACCURACY_DRIFT", T0 + 20 * MIN,
                        step("CLEARED", T0 + 25 * MIN + 1)),
                // acknowledged after 1 min, cleared by the engine after 2 min: not nuisance
                alert("PUMP-0002", "ICU-4A", "FLOW_ACCURACY_DRIFT", T0 + 30 * MIN,
                        ack("ACKNOWLEDGED", T0 + 31 * MIN), step("CLEARED", T0 + 32 * MIN)),
                // still open: not nuisance
                alert("PUMP-0003", "ICU-4A", "FLOW_ACCURACY_DRIFT", T0 + 40 * MIN));

        BurdenReport report = AlarmBurden.compute(T0, T0 + DAY, List.of(), alerts, 10);

        assertThat(report.rows()).hasSize(1);
        BurdenReport.Row row = report.rows().get(0);
        assertThat(row.alerts()).isEqualTo(5);
        assertThat(row.selfCleared()).isEqualTo(2);
        assertThat(row.nuisanceShare()).isEqualTo(0.4);
        assertThat(row.acknowledged()).isEqualTo(1);
    }

    @Test
    void shouldGiveNearestRankMedianAndP90OfTimeToAcknowledge() {
        List<AlertHistory> alerts = new ArrayList<>();
        // ten acknowledgements after 1, 2, ... 10 minutes; one latched alert cleared by a person after 30 min
        for (int i = 1; i <= 10; i++) {
            long raised = T0 + i * 60 * MIN;
            alerts.add(alert("DIAL-0001", "DIALYSIS-2", "CONCENTRATE_LOW", raised,
                    ack("ACKNOWLEDGED", raised + i * MIN), step("CLEARED", raised + 40 * MIN)));
        }
        long raised = T0 + 20 * 60 * MIN;
        alerts.add(alert("DIAL-0002", "DIALYSIS-2", "CONCENTRATE_LOW", raised, step("ESCALATED", raised + MIN),
                step("LATCHED", raised + 2 * MIN), ack("CLEARED", raised + 30 * MIN)));

        BurdenReport.Row row = AlarmBurden.compute(T0, T0 + DAY, List.of(), alerts, 10).rows().get(0);

        // sorted minutes: 1 2 3 4 5 6 7 8 9 10 30 (n = 11): median rank 6 -> 6 min, p90 rank ceil(9.9) = 10 -> 10 min
        assertThat(row.acknowledged()).isEqualTo(11);
        assertThat(row.ackMedianSeconds()).isEqualTo(360.0);
        assertThat(row.ackP90Seconds()).isEqualTo(600.0);
        assertThat(row.escalated()).isEqualTo(1);
        assertThat(row.latched()).isEqualTo(1);
        assertThat(row.selfCleared()).isZero();
    }

    @Test
    void shouldDivideByDevicesOfTheSameCareUnitAndTypeTimesDays() {
        List<DeviceInScope> devices = List.of(
                new DeviceInScope("PUMP-0001", "ICU-4A", PUMP),
                new DeviceInScope("PUMP-0002", "ICU-4A", PUMP),
                new DeviceInScope("PUMP-0003", "ICU-4A", PUMP),
                new DeviceInScope("PUMP-0004", "ICU-4A", PUMP),
                new DeviceInScope("DIAL-0001", "ICU-4A", DIAL),
                new DeviceInScope("PUMP-0009", "WARD-3B", PUMP));
        List<AlertHistory> alerts = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // 6 alerts of 4 ICU pumps over 2 days: 6 / 8 = 0.75 per device-day
            alerts.add(alert("PUMP-000" + (1 + i % 4), "ICU-4A", "BATTERY_DEPLETION", T0 + i * 60 * MIN));
        }
        alerts.add(alert("DIAL-0001", "ICU-4A", "FILTER_LIFE", T0 + DAY)); // 1 / (1 x 2)
        alerts.add(alert("PUMP-0001", "ICU-4A", "BATTERY_DEPLETION", T0 - 1)); // before the range
        alerts.add(alert("PUMP-0001", "ICU-4A", "BATTERY_DEPLETION", T0 + 2 * DAY)); // at the end: excluded

        BurdenReport report = AlarmBurden.compute(T0, T0 + 2 * DAY, devices, alerts, 2);

        assertThat(report.days()).isEqualTo(2.0);
        assertThat(report.devices()).isEqualTo(6);
        assertThat(report.deviceDays()).isEqualTo(12.0);
        assertThat(report.alerts()).isEqualTo(7);
        assertThat(report.rows()).extracting(BurdenReport.Row::deviceType, BurdenReport.Row::alertType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DIAL, "FILTER_LIFE"),
                        org.assertj.core.groups.Tuple.tuple(PUMP, "BATTERY_DEPLETION"));
        assertThat(report.rows().get(0).alertsPerDeviceDay()).isEqualTo(0.5);
        assertThat(report.rows().get(1).alertsPerDeviceDay()).isCloseTo(0.75, within(1e-12));
        assertThat(report.rows().get(1).ackMedianSeconds()).isNull();
        assertThat(report.groups()).extracting(BurdenReport.Group::careUnit, BurdenReport.Group::devices)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ICU-4A", 1),
                        org.assertj.core.groups.Tuple.tuple("ICU-4A", 4),
                        org.assertj.core.groups.Tuple.tuple("WARD-3B", 1));
        // PUMP-0001 and PUMP-0002 have 2 alerts each in range; ties by id
        assertThat(report.topDevices()).extracting(BurdenReport.TopDevice::deviceId, BurdenReport.TopDevice::alerts)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("PUMP-0001", 2),
                        org.assertj.core.groups.Tuple.tuple("PUMP-0002", 2));
    }

    @Test
    void shouldCountADeviceThatAlertedEvenWhenMissingFromTheDevicesGiven() {
        BurdenReport report = AlarmBurden.compute(T0, T0 + DAY, List.of(),
                List.of(alert("PUMP-0007", null, "DEVICE_OFFLINE", T0 + MIN)), 10);

        assertThat(report.devices()).isEqualTo(1);
        assertThat(report.rows().get(0).careUnit()).isNull();
        assertThat(report.rows().get(0).alertsPerDeviceDay()).isEqualTo(1.0);
    }

    @Test
    void shouldRefuseAnEmptyRange() {
        assertThatThrownBy(() -> AlarmBurden.compute(T0, T0, List.of(), List.of(), 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
