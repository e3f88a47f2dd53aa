package vigil.dashboard.fhir;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import vigil.schema.DeviceStateAttributes;
import vigil.schema.HistoryAttributes;
import vigil.schema.Tables;

/**
 * Writes device-state and device-history items as the consumer does (attribute names from vigil.schema), with the
 * metric wire names of telemetry-v1.md, so that the FHIR mapping is exercised on realistic items.
 */
final class FhirSeed {
    /** The figures a pump's history point carries (alerts-v1.md); dialysis machines carry the other four. */
    static final List<String> PUMP_FIGURES = List.of("flowErrorPct", "pressureOffsetMmHg", "minutesToEmpty",
            "batteryMinutesLeft");
    static final List<String> DIALYSIS_FIGURES = List.of("conductivityDivergenceMsCm", "temperatureDivergenceC",
            "acidMinutesLeft", "filterHoursLeft");

    private final DynamoDbClient dynamo;
    private final String prefix;

    FhirSeed(DynamoDbClient dynamo, String prefix) {
        this.dynamo = dynamo;
        this.prefix = prefix;
    }

    /** A device-state item whose newest record has time {@code ts}; pumps get 7 metrics, dialysis machines 15. */
    void device(String deviceId, String type, String careUnit, Instant ts) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DeviceStateAttributes.DEVICE_ID, s(deviceId));
        item.put(DeviceStateAttributes.DEVICE_TYPE, s(type));
        item.put(DeviceStateAttributes.MODEL, s("infusion_pump".equals(type) ? "LVP-200" : "HD-5008"));
        item.put(DeviceStateAttributes.CARE_UNIT, s(careUnit));
        item.put(DeviceStateAttributes.LAST_SEQ, n(18231));
        item.put(DeviceStateAttributes.LAST_TS_MILLIS, n(ts.toEpochMilli()));
        item.put(DeviceStateAttributes.LAST_ARRIVAL_MILLIS, n(ts.toEpochMilli() + 200));
        Map<String, AttributeValue> m = new HashMap<>();
        if ("infusion_pump".equals(type)) {
            m.put("state", s("running"));
            m.put("rateMlPerHr", num("125.5"));
            m.put("infusedMl", num("310.2"));
            m.put("vtbiMl", num("189.8"));
            m.put("pressureMmHg", num("42"));
            m.put("batteryPct", num("87"));
            m.put("onMains", AttributeValue.fromBool(true));
            item.put("flowErrorPct", num("1.8"));
            item.put("minutesToEmpty", num("90.7"));
        } else {
            m.put("state", s("treatment"));
            m.put("bloodFlowMlPerMin", num("300"));
            m.put("dialysateFlowMlPerMin", num("500"));
            m.put("arterialPressureMmHg", num("-120"));
            m.put("venousPressureMmHg", num("150"));
            m.put("tmpMmHg", num("80"));
            m.put("conductivityMsCm", num("14.0"));
            m.put("conductivityRefMsCm", num("14.1"));
            m.put("dialysateTempC", num("36.9"));
            m.put("dialysateTempRefC", num("37.0"));
            m.put("ufVolumeMl", num("800"));
            m.put("ufGoalMl", num("2500"));
            m.put("acidRemainingMl", num("4200"));
            m.put("treatmentElapsedMin", num("95"));
            m.put("treatmentPlannedMin", num("240"));
            m.put("filterHours", num("310"));
            item.put("conductivityDivergenceMsCm", num("0.1"));
        }
        item.put(DeviceStateAttributes.METRICS, AttributeValue.fromM(m));
        item.put(DeviceStateAttributes.COUNT_ACCEPTED, n(1000));
        item.put(DeviceStateAttributes.UPDATED_MILLIS, n(ts.toEpochMilli() + 240));
        dynamo.putItem(b -> b.tableName(Tables.DEVICE_STATE.nameWith(prefix)).item(item));
    }

    /**
     * One history point per minute in {@code [fromMinute, fromMinute + minutes)}, every figure of the device type
     * set (seeded values).
     */
    void history(String deviceId, String type, Instant fromMinute, int minutes, Random random) {
        List<WriteRequest> batch = new ArrayList<>();
        List<String> figures = "infusion_pump".equals(type) ? PUMP_FIGURES : DIALYSIS_FIGURES;
        for (int i = 0; i < minutes; i++) {
            long minute = fromMinute.toEpochMilli() + i * 60_000L;
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(HistoryAttributes.DEVICE_ID, s(deviceId));
            item.put(HistoryAttributes.MINUTE_MILLIS, n(minute));
            item.put(HistoryAttributes.EXPIRES_AT, n(minute / 1000 + HistoryAttributes.RETENTION_HOURS * 3600L));
            for (String f : figures) {
                item.put(f, num(BigDecimal.valueOf(random.nextInt(2000) / 10.0).toPlainString()));
            }
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            if (batch.size() == 25) {
                write(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> request = Map.of(Tables.DEVICE_HISTORY.nameWith(prefix), batch);
        for (int attempt = 0; !request.isEmpty(); attempt++) {
            if (attempt > 20) {
                throw new IllegalStateException("history batch not written after 20 attempts");
            }
            Map<String, List<WriteRequest>> r = request;
            request = dynamo.batchWriteItem(b -> b.requestItems(r)).unprocessedItems();
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static AttributeValue num(String v) {
        return AttributeValue.fromN(v);
    }
}
