package vigil.sim.scenario;

import java.util.List;
import java.util.Locale;
import vigil.telemetry.DeviceType;

/**
 * The faults and events a scenario can schedule, their parameters and the device type they apply to
 * ({@code null}: both). Device faults change the device model; stream faults change what reaches the sink.
 * docs/scenarios.md lists them with the alert each provokes.
 */
public enum FaultKind {
    /** Pump volume measurement reads {@code pct} % high: FLOW_ACCURACY_DRIFT. */
    FLOW_DRIFT("flowDrift", DeviceType.INFUSION_PUMP, List.of("pct"), List.of()),
    /** Pump pressure sensor reads {@code mmHg} high: PRESSURE_SENSOR_OFFSET (seen while stopped or paused). */
    PRESSURE_OFFSET("pressureOffset", DeviceType.INFUSION_PUMP, List.of("mmHg"), List.of()),
    /** Primary conductivity cell reads {@code msCm} off the reference: CONDUCTIVITY_SENSOR_DRIFT. */
    CONDUCTIVITY_DIVERGENCE("conductivityDivergence", DeviceType.DIALYSIS, List.of("msCm"), List.of()),
    /** Primary temperature sensor reads {@code c} off the reference: TEMPERATURE_SENSOR_DRIFT. */
    TEMPERATURE_DIVERGENCE("temperatureDivergence", DeviceType.DIALYSIS, List.of("c"), List.of()),
    /** Unplugged, battery drains at {@code pctPerHour} from {@code startPct} (optional): BATTERY_DEPLETION. */
    BATTERY_DRAIN("batteryDrain", DeviceType.INFUSION_PUMP, List.of("pctPerHour"), List.of("startPct")),
    /** Acid for the remaining treatment minus {@code minutesShort}, or exactly {@code acidMl}: CONCENTRATE_LOW. */
    LOW_CONCENTRATE("lowConcentrate", DeviceType.DIALYSIS, List.of(), List.of("minutesShort", "acidMl")),
    /** Dialysate filter at {@code hours} operating hours: FILTER_LIFE. */
    FILTER_HOURS("filterHours", DeviceType.DIALYSIS, List.of("hours"), List.of()),
    /** The running infusion has {@code minutesLeft} of volume left: INFUSION_NEAR_END. */
    INFUSION_NEAR_END("infusionNearEnd", DeviceType.INFUSION_PUMP, List.of("minutesLeft"), List.of()),
    /** A new infusion at {@code rateMlPerHr} (default 100) for {@code minutesLeft} (default 120). */
    START_INFUSION("startInfusion", DeviceType.INFUSION_PUMP, List.of(), List.of("rateMlPerHr", "minutesLeft")),
    /** A caregiver pauses the infusion for the fault's {@code for}. */
    PAUSE("pause", DeviceType.INFUSION_PUMP, List.of(), List.of()),
    /** A new treatment starts, {@code elapsedMin} (optional, default 0) minutes in. */
    START_TREATMENT("startTreatment", DeviceType.DIALYSIS, List.of(), List.of("elapsedMin")),
    /** The device sends nothing for the fault's {@code for}: DEVICE_OFFLINE. */
    SILENCE("silence", null, List.of(), List.of()),
    /** {@code count} rejected records (wrong type, out of range) right after the device's next record: DATA_QUALITY. */
    MALFORMED("malformed", null, List.of("count"), List.of()),
    /** The device's next {@code count} records are each sent twice (consumer: duplicates). */
    DUPLICATE("duplicate", null, List.of("count"), List.of()),
    /** The device's next {@code count} pairs of records are sent swapped (consumer: out of order, applied). */
    REORDER("reorder", null, List.of("count"), List.of()),
    /** The device's next {@code count} records are held back {@code delaySec} seconds (over 120: late). */
    LATE("late", null, List.of("count", "delaySec"), List.of()),
    /**
     * The edge collector of the targeted devices restarts for the fault's {@code for}: the devices go on measuring,
     * the collector buffers their records and sends them all when it is back, after resending the last
     * {@code resend} (default 3) records it had sent before the restart, whose acknowledgement it lost (consumer:
     * duplicates). Records keep their ts; they arrive late by up to {@code for}.
     */
    COLLECTOR_RESTART("collectorRestart", null, List.of(), List.of("resend"));

    private final String wireName;
    private final DeviceType deviceType;
    private final List<String> required;
    private final List<String> optional;

    FaultKind(String wireName, DeviceType deviceType, List<String> required, List<String> optional) {
        this.wireName = wireName;
        this.deviceType = deviceType;
        this.required = required;
        this.optional = optional;
    }

    /** The name in scenario files. */
    public String wireName() {
        return wireName;
    }

    /** The device type the fault applies to, or {@code null} for both. */
    public DeviceType deviceType() {
        return deviceType;
    }

    public List<String> requiredParameters() {
        return required;
    }

    public List<String> optionalParameters() {
        return optional;
    }

    /** Pause, silence and a collector restart need a {@code for}; they have no meaning without an end. */
    public boolean needsDuration() {
        return this == PAUSE || this == SILENCE || this == COLLECTOR_RESTART;
    }

    public static FaultKind fromWireName(String name) {
        for (FaultKind k : values()) {
            if (k.wireName.equals(name) || k.name().equals(name.toUpperCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown fault type '" + name + "'");
    }
}
