package vigil.consumer.rules;

import java.util.List;

/**
 * The rule figures of one device (alerts-v1.md, "Derived device state"); each null when not evaluable. Immutable;
 * published by the writer with release semantics (see {@link DeviceRules#figures()}).
 *
 * @param batteryMinutesLeft null also when the drain is too small to project (the spec's "unbounded")
 * @param openAlertIds       ids of the device's open alerts, in catalogue order
 */
public record DeviceFigures(
        Double flowErrorPct,
        Double pressureOffsetMmHg,
        Double conductivityDivergenceMsCm,
        Double temperatureDivergenceC,
        Double minutesToEmpty,
        Double batteryMinutesLeft,
        Double acidMinutesLeft,
        Double filterHoursLeft,
        List<String> openAlertIds) {

    public static final DeviceFigures NONE = new DeviceFigures(null, null, null, null, null, null, null, null,
            List.of());

    public DeviceFigures {
        openAlertIds = List.copyOf(openAlertIds);
    }
}
