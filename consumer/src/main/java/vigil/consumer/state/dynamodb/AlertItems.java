package vigil.consumer.state.dynamodb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.HistoryEntry;

/**
 * Maps an {@link AlertTransition} to an item of the alerts table (alerts-v1.md, "Alert record"), keyed by the
 * deterministic {@code alertId}. {@code openCareUnit} is set only while the alert is open, so the sparse index
 * {@code open-by-care-unit} holds exactly the open alerts; {@code raisedTs} is its sort key (epoch millis).
 */
final class AlertItems {
    /** openCareUnit of an open alert whose device has no known care unit (valid per telemetry-v1's pattern). */
    static final String UNASSIGNED_CARE_UNIT = "-";
    /** Number of history entries; writes are conditional on not going below the stored count. */
    static final String HISTORY_COUNT = "historyCount";

    private AlertItems() {}

    static Map<String, AttributeValue> toItem(AlertTransition a) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("alertId", AttributeValue.fromS(a.alertId()));
        item.put("deviceId", AttributeValue.fromS(a.deviceId()));
        if (a.deviceType() != null) {
            item.put("deviceType", AttributeValue.fromS(a.deviceType().wireName()));
        }
        if (a.careUnit() != null) {
            item.put("careUnit", AttributeValue.fromS(a.careUnit()));
        }
        if (a.status().isOpen()) {
            item.put("openCareUnit", AttributeValue.fromS(a.careUnit() == null ? UNASSIGNED_CARE_UNIT : a.careUnit()));
        }
        item.put("type", AttributeValue.fromS(a.type().name()));
        item.put("priority", AttributeValue.fromS(a.priority().name()));
        item.put("maxPriority", AttributeValue.fromS(a.maxPriority().name()));
        item.put("status", AttributeValue.fromS(a.status().name()));
        item.put("raisedTs", DeviceStateItems.number(a.raisedTs()));
        item.put("raisedAt", iso(a.raisedTs()));
        item.put("updatedAt", iso(a.updatedMillis()));
        if (a.clearedMillis() != null) {
            item.put("clearedAt", iso(a.clearedMillis()));
        }
        if (a.value() != null) {
            item.put("value", DeviceStateItems.number(a.value().doubleValue()));
        }
        if (a.threshold() != null) {
            item.put("threshold", DeviceStateItems.number(a.threshold().doubleValue()));
        }
        item.put("message", AttributeValue.fromS(a.message()));
        if (a.ackBy() != null) {
            item.put("ackBy", AttributeValue.fromS(a.ackBy()));
        }
        if (a.ackAtMillis() != null) {
            item.put("ackAt", iso(a.ackAtMillis()));
        }
        if (a.ackNote() != null) {
            item.put("ackNote", AttributeValue.fromS(a.ackNote()));
        }
        List<AttributeValue> history = new ArrayList<>(a.history().size());
        for (HistoryEntry h : a.history()) {
            Map<String, AttributeValue> e = new HashMap<>();
            e.put("change", AttributeValue.fromS(h.change().name()));
            e.put("status", AttributeValue.fromS(h.status().name()));
            e.put("priority", AttributeValue.fromS(h.priority().name()));
            e.put("at", iso(h.atMillis()));
            e.put("actor", AttributeValue.fromS(h.actor()));
            if (h.value() != null) {
                e.put("value", DeviceStateItems.number(h.value().doubleValue()));
            }
            history.add(AttributeValue.fromM(e));
        }
        item.put("history", AttributeValue.fromL(history));
        item.put(HISTORY_COUNT, DeviceStateItems.number(a.history().size()));
        return item;
    }

    private static AttributeValue iso(long epochMillis) {
        return AttributeValue.fromS(Instant.ofEpochMilli(epochMillis).toString());
    }
}
