package vigil.telemetry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The known fields of telemetry-v1 in the order of the spec's tables, which is also the order in which the
 * decoder checks them (telemetry-v1.md, "Precise rejection rules").
 */
final class WireFields {
    // Envelope slots, in the spec's check order.
    static final int SCHEMA = 0;
    static final int DEVICE_ID = 1;
    static final int DEVICE_TYPE = 2;
    static final int SEQ = 3;
    static final int TS = 4;
    static final int M = 5;
    static final int MODEL = 6;
    static final int COLLECTOR_ID = 7;
    static final int CARE_UNIT = 8;
    static final int FW = 9;
    static final int SETTINGS_VERSION = 10;
    static final int ENVELOPE_SLOTS = 11;

    /** {@code seq} is below 2^53 so that it survives a round trip through a JSON double. */
    static final long SEQ_LIMIT_EXCLUSIVE = 1L << 53;

    // Metric slots: "state" is shared; the rest are per device type.
    static final int STATE = ENVELOPE_SLOTS;

    static final List<FieldSpec> PUMP_METRICS;
    static final List<FieldSpec> DIALYSIS_METRICS;
    /** Pump metrics, then the dialysis metrics the pump table does not have ({@code state} once). */
    static final List<FieldSpec> ALL_METRICS;
    static final int SLOT_COUNT;

    private static final Map<String, Integer> ENVELOPE_SLOT_BY_NAME = Map.ofEntries(
            Map.entry("schema", SCHEMA),
            Map.entry("deviceId", DEVICE_ID),
            Map.entry("deviceType", DEVICE_TYPE),
            Map.entry("seq", SEQ),
            Map.entry("ts", TS),
            Map.entry("m", M),
            Map.entry("model", MODEL),
            Map.entry("collectorId", COLLECTOR_ID),
            Map.entry("careUnit", CARE_UNIT),
            Map.entry("fw", FW),
            Map.entry("settingsVersion", SETTINGS_VERSION));

    private static final Map<String, Integer> METRIC_SLOT_BY_NAME;
    /** Metric spec by slot; {@code null} for envelope slots. {@code state} maps to the pump's (same shape). */
    private static final FieldSpec[] METRIC_BY_SLOT;

    static {
        int slot = STATE + 1;
        // Ranges: telemetry-v1.md, "Metrics: deviceType = infusion_pump".
        PUMP_METRICS = List.of(
                FieldSpec.string("state", STATE, true, Integer.MAX_VALUE),
                FieldSpec.number("rateMlPerHr", slot++, true, 0, 1200),
                FieldSpec.number("infusedMl", slot++, true, 0, 10000),
                FieldSpec.number("vtbiMl", slot++, true, 0, 10000),
                FieldSpec.number("pressureMmHg", slot++, true, -100, 1500),
                FieldSpec.number("batteryPct", slot++, true, 0, 100),
                FieldSpec.bool("onMains", slot++, true),
                FieldSpec.string("infusionId", slot++, false, Integer.MAX_VALUE),
                FieldSpec.number("airInLineUl", slot++, false, 0, 10000),
                FieldSpec.bool("doorOpen", slot++, false));
        // Ranges: telemetry-v1.md, "Metrics: deviceType = dialysis".
        DIALYSIS_METRICS = List.of(
                FieldSpec.string("state", STATE, true, Integer.MAX_VALUE),
                FieldSpec.number("bloodFlowMlPerMin", slot++, true, 0, 700),
                FieldSpec.number("dialysateFlowMlPerMin", slot++, true, 0, 1000),
                FieldSpec.number("arterialPressureMmHg", slot++, true, -500, 300),
                FieldSpec.number("venousPressureMmHg", slot++, true, -200, 600),
                FieldSpec.number("tmpMmHg", slot++, true, -200, 700),
                FieldSpec.number("conductivityMsCm", slot++, true, 0, 25),
                FieldSpec.number("conductivityRefMsCm", slot++, true, 0, 25),
                FieldSpec.number("dialysateTempC", slot++, true, 20, 45),
                FieldSpec.number("dialysateTempRefC", slot++, true, 20, 45),
                FieldSpec.number("ufVolumeMl", slot++, true, 0, 10000),
                FieldSpec.number("ufGoalMl", slot++, true, 0, 10000),
                FieldSpec.number("acidRemainingMl", slot++, true, 0, 20000),
                FieldSpec.number("treatmentElapsedMin", slot++, true, 0, 1440),
                FieldSpec.number("treatmentPlannedMin", slot++, true, 0, 1440),
                FieldSpec.number("filterHours", slot++, true, 0, 100000),
                FieldSpec.number("operatingHours", slot++, false, 0, 1000000),
                FieldSpec.bool("bloodLeak", slot++, false));
        SLOT_COUNT = slot;
        List<FieldSpec> all = new ArrayList<>(PUMP_METRICS);
        all.addAll(DIALYSIS_METRICS.subList(1, DIALYSIS_METRICS.size()));
        ALL_METRICS = List.copyOf(all);
        Map<String, Integer> metrics = new HashMap<>();
        for (FieldSpec f : PUMP_METRICS) {
            metrics.put(f.name(), f.slot());
        }
        for (FieldSpec f : DIALYSIS_METRICS) {
            metrics.put(f.name(), f.slot());
        }
        METRIC_SLOT_BY_NAME = Map.copyOf(metrics);
        METRIC_BY_SLOT = new FieldSpec[SLOT_COUNT];
        for (FieldSpec f : DIALYSIS_METRICS) {
            METRIC_BY_SLOT[f.slot()] = f;
        }
        for (FieldSpec f : PUMP_METRICS) {
            METRIC_BY_SLOT[f.slot()] = f;
        }
    }

    private WireFields() {}

    /** Envelope slot of a field name, or -1 for an unknown envelope field. */
    static int envelopeSlot(String name) {
        Integer slot = ENVELOPE_SLOT_BY_NAME.get(name);
        return slot == null ? -1 : slot;
    }

    /** Metric slot of a metric name of either device type, or -1 for a name neither type knows. */
    static int metricSlot(String name) {
        Integer slot = METRIC_SLOT_BY_NAME.get(name);
        return slot == null ? -1 : slot;
    }

    /** The metric spec that owns {@code slot}, or {@code null} for an envelope slot. */
    static FieldSpec metricAt(int slot) {
        return METRIC_BY_SLOT[slot];
    }

    static List<FieldSpec> metricsOf(DeviceType type) {
        return type == DeviceType.INFUSION_PUMP ? PUMP_METRICS : DIALYSIS_METRICS;
    }
}
