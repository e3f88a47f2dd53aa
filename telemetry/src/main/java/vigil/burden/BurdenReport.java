package vigil.burden;

import java.time.Instant;
import java.util.List;

/**
 * The alarm burden over one time range (docs/alarm-burden.md). Immutable; serialises as the API's JSON answer.
 *
 * @param from        start of the range (inclusive): alerts raised at or after it count
 * @param to          end of the range (exclusive)
 * @param days        length of the range in days (fractional)
 * @param devices     devices in the denominator
 * @param deviceDays  {@code devices x days}
 * @param alerts      alerts raised in the range
 * @param groups      the denominator per care unit and device type
 * @param rows        one row per care unit, device type and alert type with at least one alert, sorted by care
 *                    unit, device type, alert type (null care units and types last)
 * @param topDevices  the devices with the most alerts, most first (ties by device id)
 */
public record BurdenReport(
        Instant from,
        Instant to,
        double days,
        int devices,
        double deviceDays,
        int alerts,
        List<Group> groups,
        List<Row> rows,
        List<TopDevice> topDevices) {

    public BurdenReport {
        groups = List.copyOf(groups);
        rows = List.copyOf(rows);
        topDevices = List.copyOf(topDevices);
    }

    /** Devices and device-days of one care unit and device type. */
    public record Group(String careUnit, String deviceType, int devices, double deviceDays) {}

    /**
     * One care unit, device type and alert type.
     *
     * @param alertsPerDeviceDay   {@code alerts / deviceDays} of the row's group, null when the group has no
     *                             device-days
     * @param escalated            alerts with at least one ESCALATED step
     * @param latched              alerts with at least one LATCHED step
     * @param acknowledged         alerts a person acknowledged (ACKNOWLEDGED, or LATCHED cleared by a person)
     * @param selfCleared          alerts the engine cleared within {@link AlarmBurden#NUISANCE_WINDOW_MILLIS} of
     *                             their raise with no acknowledgement before: the nuisance marker
     * @param nuisanceShare        {@code selfCleared / alerts}
     * @param ackMedianSeconds     median time from raise to acknowledgement (nearest rank), null when none
     * @param ackP90Seconds        90th percentile of the same (nearest rank), null when none
     */
    public record Row(
            String careUnit,
            String deviceType,
            String alertType,
            int alerts,
            Double alertsPerDeviceDay,
            int escalated,
            int latched,
            int acknowledged,
            int selfCleared,
            double nuisanceShare,
            Double ackMedianSeconds,
            Double ackP90Seconds) {}

    /** A device and its number of alerts in the range. */
    public record TopDevice(String deviceId, String careUnit, String deviceType, int alerts) {}
}
