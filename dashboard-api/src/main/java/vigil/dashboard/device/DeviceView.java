package vigil.dashboard.device;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON of a device (alerts-v1.md "Derived device state", with api-v1.md conventions): times as ISO-8601 UTC,
 * counts grouped. The rule figures and open alerts are not written by the consumer yet: the figures are
 * {@code null} ("not evaluable") and {@code openAlerts} is empty until they are.
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
        List<String> openAlerts) {

    /** Record counts; {@code accepted} includes late records (api-v1.md). */
    public record Counts(long accepted, long duplicate, long late, long rejected) {}

    public static DeviceView of(DeviceState s) {
        return new DeviceView(
                s.deviceId(),
                s.deviceType(),
                s.model(),
                s.careUnit(),
                s.lastSeq(),
                s.lastTsMillis() == null ? null : Instant.ofEpochMilli(s.lastTsMillis()),
                Instant.ofEpochMilli(s.lastArrivalMillis()),
                s.metrics(),
                null, null, null, null, null, null, null, null,
                s.appliedSettingsVersion(),
                new Counts(s.countAccepted(), s.countDuplicate(), s.countLate(), s.countRejected()),
                List.of());
    }
}
