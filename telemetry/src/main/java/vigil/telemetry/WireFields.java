package vigil.telemetry;

import com.fasterxml.jackson.core.io.SerializedString;
import java.util.ArrayList;
import java.util.List;

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

    /** Envelope wire names by slot. */
    private static final String[] ENVELOPE_NAMES = {
        "schema", "deviceId", "deviceType", "seq", "ts", "m", "model", "collectorId", "careUnit", "fw", "settingsVersion"
    };

    /** Envelope-level and metric-level name tables: open addressing on String.hashCode, 64 entries each. */
    private static final int TABLE_MASK = 63;
    private static final String[] ENVELOPE_KEYS = new String[TABLE_MASK + 1];
    private static final int[] ENVELOPE_VALUES = new int[TABLE_MASK + 1];
    private static final String[] METRIC_KEYS = new String[TABLE_MASK + 1];
    private static final int[] METRIC_VALUES = new int[TABLE_MASK + 1];

    /** Per slot: the wire name (for byte-wise matching) and the field label of rejections. */
    private static final SerializedString[] WIRE_NAME;
    private static final String[] LABEL;
    static final FieldSpec[] PUMP_METRIC_ARRAY;
    static final FieldSpec[] DIALYSIS_METRIC_ARRAY;
    static final FieldSpec[] ALL_METRIC_ARRAY;
    /** The known names of each level by raw bytes, for ReusableJsonParser#peekNameSlot. */
    static final WireNames ENVELOPE_WIRE_NAMES;
    static final WireNames METRIC_WIRE_NAMES;
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
                FieldSpec.string("infusionId", slot++, false, 64),
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
        METRIC_BY_SLOT = new FieldSpec[SLOT_COUNT];
        for (FieldSpec f : DIALYSIS_METRICS) {
            METRIC_BY_SLOT[f.slot()] = f;
        }
        for (FieldSpec f : PUMP_METRICS) {
            METRIC_BY_SLOT[f.slot()] = f;
        }
        PUMP_METRIC_ARRAY = PUMP_METRICS.toArray(new FieldSpec[0]);
        DIALYSIS_METRIC_ARRAY = DIALYSIS_METRICS.toArray(new FieldSpec[0]);
        ALL_METRIC_ARRAY = ALL_METRICS.toArray(new FieldSpec[0]);
        WIRE_NAME = new SerializedString[SLOT_COUNT];
        LABEL = new String[SLOT_COUNT];
        for (int s = 0; s < ENVELOPE_SLOTS; s++) {
            WIRE_NAME[s] = new SerializedString(ENVELOPE_NAMES[s]);
            LABEL[s] = ENVELOPE_NAMES[s];
            put(ENVELOPE_KEYS, ENVELOPE_VALUES, ENVELOPE_NAMES[s], s);
        }
        for (List<FieldSpec> table : List.of(PUMP_METRICS, DIALYSIS_METRICS)) {
            for (int i = 0; i < table.size(); i++) {
                FieldSpec f = table.get(i);
                WIRE_NAME[f.slot()] = new SerializedString(f.name());
                LABEL[f.slot()] = "m." + f.name();
                if (f.slot() != STATE) {
                    put(METRIC_KEYS, METRIC_VALUES, f.name(), f.slot());
                }
            }
        }
        put(METRIC_KEYS, METRIC_VALUES, "state", STATE);
        int[] envelopeSlots = new int[ENVELOPE_SLOTS];
        for (int s = 0; s < ENVELOPE_SLOTS; s++) {
            envelopeSlots[s] = s;
        }
        ENVELOPE_WIRE_NAMES = new WireNames(ENVELOPE_NAMES, envelopeSlots);
        String[] metricNames = new String[ALL_METRICS.size()];
        int[] metricSlots = new int[ALL_METRICS.size()];
        for (int i = 0; i < metricNames.length; i++) {
            metricNames[i] = ALL_METRICS.get(i).name();
            metricSlots[i] = ALL_METRICS.get(i).slot();
        }
        METRIC_WIRE_NAMES = new WireNames(metricNames, metricSlots);
    }

    private WireFields() {}

    private static void put(String[] keys, int[] values, String name, int slot) {
        int i = index(name);
        while (keys[i] != null) {
            i = (i + 1) & TABLE_MASK;
        }
        keys[i] = name;
        values[i] = slot;
    }

    private static int index(String name) {
        int h = name.hashCode(); // cached in the String; the parser hands out the same canonical instance each time
        return (h ^ (h >>> 16)) & TABLE_MASK;
    }

    private static int lookup(String[] keys, int[] values, String name) {
        for (int i = index(name); ; i = (i + 1) & TABLE_MASK) {
            String k = keys[i];
            if (k == null) {
                return -1;
            }
            if (k.equals(name)) {
                return values[i];
            }
        }
    }

    /** Envelope slot of a field name, or -1 for an unknown envelope field. */
    static int envelopeSlot(String name) {
        return lookup(ENVELOPE_KEYS, ENVELOPE_VALUES, name);
    }

    /** Metric slot of a metric name of either device type, or -1 for a name neither type knows. */
    static int metricSlot(String name) {
        return lookup(METRIC_KEYS, METRIC_VALUES, name);
    }

    /** The metric spec that owns {@code slot}, or {@code null} for an envelope slot. */
    static FieldSpec metricAt(int slot) {
        return METRIC_BY_SLOT[slot];
    }

    static List<FieldSpec> metricsOf(DeviceType type) {
        return type == DeviceType.INFUSION_PUMP ? PUMP_METRICS : DIALYSIS_METRICS;
    }

    static FieldSpec[] metricArrayOf(DeviceType type) {
        return type == DeviceType.INFUSION_PUMP ? PUMP_METRIC_ARRAY : DIALYSIS_METRIC_ARRAY;
    }

    /** The wire name of a slot, for {@code JsonParser.nextFieldName(SerializableString)}. */
    static SerializedString wireName(int slot) {
        return WIRE_NAME[slot];
    }

    /** The {@code field} of a rejection: the envelope name, or {@code m.<metric>}. */
    static String label(int slot) {
        return LABEL[slot];
    }
}
