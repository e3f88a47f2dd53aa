package vigil.dashboard.device;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import vigil.dashboard.alert.AlertView;

/**
 * The JSON of a device (alerts-v1.md "Derived device state", with api-v1.md conventions): times as ISO-8601 UTC,
 * counts grouped, rule figures {@code null} when not evaluable, and the device's open alerts as full alert objects
 * (highest priority first, then newest).
 */
@JsonPropertyOrder({
    "deviceId", "deviceType", "model", "careUnit", "lastSeq", "lastTs", "lastArrivalAt", "metrics",
    "flowErrorPct", "pressureOffsetMmHg", "conductivityDivergenceMsCm", "temperatureDivergenceC",
    "minutesToEmpty", "batteryMinutesLeft", "acidMinutesLeft", "filterHoursLeft",
    "appliedSettingsVersion", "counts", "openAlerts"
})
public record DeviceView(
        String deviceId,
        String deviceType,
        String model,
        String careUnit,
        Long lastSeq,
        Instant lastTs,
        Instant lastArrivalAt,
        Map<String, Object> metrics,
        Double flowErrorPct,
        Double pressureOffsetMmHg,
        Double conductivityDivergenceMsCm,
        Double temperatureDivergenceC,
        Double minutesToEmpty,
        Double batteryMinutesLeft,
        Double acidMinutesLeft,
        Double filterHoursLeft,
        Long appliedSettingsVersion,
        Counts counts,
        List<AlertView> openAlerts) {

    /** Record counts; {@code accepted} includes late records (api-v1.md). */
    public record Counts(long accepted, long duplicate, long late, long rejected) {}

    private static final List<String> PRIORITY_ORDER = List.of("HIGH", "MEDIUM", "LOW");
    static final Comparator<AlertView> MOST_URGENT_FIRST = Comparator
            .comparingInt((AlertView a) -> rank(a.priority()))
            .thenComparing(Comparator.comparingLong(AlertView::raisedTs).reversed())
            .thenComparing(AlertView::alertId);

    private static int rank(String priority) {
        int i = PRIORITY_ORDER.indexOf(priority);
        return i < 0 ? PRIORITY_ORDER.size() : i;
    }

    /**
     * The view of a state with its open alerts.
     *
     * @param openAlerts alerts to show; only those listed in the state's open alert ids and still open are kept
     */
    public static DeviceView of(DeviceState s, List<AlertView> openAlerts) {
        List<AlertView> open = openAlerts.stream()
                .filter(a -> a.isOpen() && s.openAlertIds().contains(a.alertId()))
                .sorted(MOST_URGENT_FIRST)
                .toList();
        return new DeviceView(
                s.deviceId(),
                s.deviceType(),
                s.model(),
                s.careUnit(),
                s.lastSeq(),
                s.lastTsMillis() == null ? null : Instant.ofEpochMilli(s.lastTsMillis()),
                Instant.ofEpochMilli(s.lastArrivalMillis()),
                s.metrics(),
                s.figure("flowErrorPct"),
                s.figure("pressureOffsetMmHg"),
                s.figure("conductivityDivergenceMsCm"),
                s.figure("temperatureDivergenceC"),
                s.figure("minutesToEmpty"),
                s.figure("batteryMinutesLeft"),
                s.figure("acidMinutesLeft"),
                s.figure("filterHoursLeft"),
                s.appliedSettingsVersion(),
                new Counts(s.countAccepted(), s.countDuplicate(), s.countLate(), s.countRejected()),
                open);
    }
}
