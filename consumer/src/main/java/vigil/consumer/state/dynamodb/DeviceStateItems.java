package vigil.consumer.state.dynamodb;

import static vigil.schema.DeviceStateAttributes.APPLIED_SETTINGS_VERSION;
import static vigil.schema.DeviceStateAttributes.CARE_UNIT;
import static vigil.schema.DeviceStateAttributes.COUNT_ACCEPTED;
import static vigil.schema.DeviceStateAttributes.COUNT_DUPLICATE;
import static vigil.schema.DeviceStateAttributes.COUNT_LATE;
import static vigil.schema.DeviceStateAttributes.COUNT_REJECTED;
import static vigil.schema.DeviceStateAttributes.DEVICE_ID;
import static vigil.schema.DeviceStateAttributes.DEVICE_TYPE;
import static vigil.schema.DeviceStateAttributes.LAST_ARRIVAL_MILLIS;
import static vigil.schema.DeviceStateAttributes.LAST_SEQ;
import static vigil.schema.DeviceStateAttributes.LAST_TS_MILLIS;
import static vigil.schema.DeviceStateAttributes.METRICS;
import static vigil.schema.DeviceStateAttributes.MODEL;
import static vigil.schema.DeviceStateAttributes.UPDATED_MILLIS;

import static vigil.schema.DeviceStateAttributes.OPEN_ALERT_IDS;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.rules.DeviceFigures;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.TelemetryRecord;

/** Maps a {@link DeviceSnapshot} to a device-state item (attribute names: {@link vigil.schema.DeviceStateAttributes}). */
public final class DeviceStateItems {
    private DeviceStateItems() {}

    public static Map<String, AttributeValue> toItem(DeviceSnapshot s) {
        Map<String, AttributeValue> item = new HashMap<>();
        TelemetryRecord newest = s.newest();
        Envelope e = newest.envelope();
        item.put(DEVICE_ID, AttributeValue.fromS(s.deviceId()));
        item.put(DEVICE_TYPE, AttributeValue.fromS(s.deviceType().wireName()));
        putString(item, MODEL, e.model());
        putString(item, CARE_UNIT, e.careUnit());
        item.put(LAST_SEQ, number(s.lastSeq()));
        item.put(LAST_TS_MILLIS, number(newest.tsMillis()));
        item.put(LAST_ARRIVAL_MILLIS, number(s.lastArrivalMillis()));
        item.put(METRICS, AttributeValue.fromM(metrics(newest)));
        if (e.settingsVersion() != null) {
            item.put(APPLIED_SETTINGS_VERSION, number(e.settingsVersion()));
        }
        item.put(COUNT_ACCEPTED, number(s.accepted()));
        item.put(COUNT_DUPLICATE, number(s.duplicates()));
        item.put(COUNT_LATE, number(s.late()));
        item.put(COUNT_REJECTED, number(s.rejected()));
        item.put(UPDATED_MILLIS, number(s.snapshotMillis()));
        DeviceFigures f = s.figures();
        putFigure(item, "flowErrorPct", f.flowErrorPct());
        putFigure(item, "pressureOffsetMmHg", f.pressureOffsetMmHg());
        putFigure(item, "conductivityDivergenceMsCm", f.conductivityDivergenceMsCm());
        putFigure(item, "temperatureDivergenceC", f.temperatureDivergenceC());
        putFigure(item, "minutesToEmpty", f.minutesToEmpty());
        putFigure(item, "batteryMinutesLeft", f.batteryMinutesLeft());
        putFigure(item, "acidMinutesLeft", f.acidMinutesLeft());
        putFigure(item, "filterHoursLeft", f.filterHoursLeft());
        List<AttributeValue> ids = new ArrayList<>(f.openAlertIds().size());
        for (String id : f.openAlertIds()) {
            ids.add(AttributeValue.fromS(id));
        }
        item.put(OPEN_ALERT_IDS, AttributeValue.fromL(ids));
        return item;
    }

    /** The newest record's metrics under their wire names (telemetry-v1.md). */
    static Map<String, AttributeValue> metrics(TelemetryRecord record) {
        Map<String, AttributeValue> m = new HashMap<>();
        if (record instanceof PumpRecord pump) {
            PumpMetrics p = pump.metrics();
            m.put("state", AttributeValue.fromS(p.state().wireName()));
            m.put("rateMlPerHr", number(p.rateMlPerHr()));
            m.put("infusedMl", number(p.infusedMl()));
            m.put("vtbiMl", number(p.vtbiMl()));
            m.put("pressureMmHg", number(p.pressureMmHg()));
            m.put("batteryPct", number(p.batteryPct()));
            m.put("onMains", AttributeValue.fromBool(p.onMains()));
            putString(m, "infusionId", p.infusionId());
            putNumber(m, "airInLineUl", p.airInLineUl());
            putBool(m, "doorOpen", p.doorOpen());
        } else if (record instanceof DialysisRecord dialysis) {
            DialysisMetrics d = dialysis.metrics();
            m.put("state", AttributeValue.fromS(d.state().wireName()));
            m.put("bloodFlowMlPerMin", number(d.bloodFlowMlPerMin()));
            m.put("dialysateFlowMlPerMin", number(d.dialysateFlowMlPerMin()));
            m.put("arterialPressureMmHg", number(d.arterialPressureMmHg()));
            m.put("venousPressureMmHg", number(d.venousPressureMmHg()));
            m.put("tmpMmHg", number(d.tmpMmHg()));
            m.put("conductivityMsCm", number(d.conductivityMsCm()));
            m.put("conductivityRefMsCm", number(d.conductivityRefMsCm()));
            m.put("dialysateTempC", number(d.dialysateTempC()));
            m.put("dialysateTempRefC", number(d.dialysateTempRefC()));
            m.put("ufVolumeMl", number(d.ufVolumeMl()));
            m.put("ufGoalMl", number(d.ufGoalMl()));
            m.put("acidRemainingMl", number(d.acidRemainingMl()));
            m.put("treatmentElapsedMin", number(d.treatmentElapsedMin()));
            m.put("treatmentPlannedMin", number(d.treatmentPlannedMin()));
            m.put("filterHours", number(d.filterHours()));
            putNumber(m, "operatingHours", d.operatingHours());
            putBool(m, "bloodLeak", d.bloodLeak());
        }
        return m;
    }

    static AttributeValue number(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    static AttributeValue number(double v) {
        return AttributeValue.fromN(BigDecimal.valueOf(v).toPlainString());
    }

    /** Rule figures are written as null when not evaluable (alerts-v1.md, "Derived device state"). */
    private static void putFigure(Map<String, AttributeValue> m, String name, Double v) {
        m.put(name, v == null ? AttributeValue.fromNul(true) : number(v.doubleValue()));
    }

    private static void putString(Map<String, AttributeValue> m, String name, String v) {
        if (v != null) {
            m.put(name, AttributeValue.fromS(v));
        }
    }

    private static void putNumber(Map<String, AttributeValue> m, String name, Double v) {
        if (v != null) {
            m.put(name, number(v.doubleValue()));
        }
    }

    private static void putBool(Map<String, AttributeValue> m, String name, Boolean v) {
        if (v != null) {
            m.put(name, AttributeValue.fromBool(v));
        }
    }
}
