package vigil.consumer.state.dynamodb;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.consumer.rules.Acknowledgement;
import vigil.consumer.rules.AlertStatus;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.Change;
import vigil.consumer.rules.HistoryEntry;

/**
 * Maps an {@link AlertTransition} to an item of the alerts table (alerts-v1.md, "Alert record"), keyed by the
 * deterministic {@code alertId}. {@code openCareUnit} is set only while the alert is open, so the sparse index
 * {@code open-by-care-unit} holds exactly the open alerts; {@code raisedTs} is its sort key (epoch millis).
 */
public final class AlertItems {
    private static final DateTimeFormatter MILLIS_PREFIX =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    /** openCareUnit of an open alert whose device has no known care unit (valid per telemetry-v1's pattern). */
    static final String UNASSIGNED_CARE_UNIT = "-";
    /** Number of history entries; writes are conditional on not going below the stored count. */
    static final String HISTORY_COUNT = "historyCount";

    private AlertItems() {}

    public static Map<String, AttributeValue> toItem(AlertTransition a) {
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

    /** {@code yyyy-MM-ddTHH:mm:ss.SSS} of an epoch millis: the prefix of any ISO-8601 form of that millisecond. */
    static String isoToMillis(long epochMillis) {
        return MILLIS_PREFIX.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The acknowledgement stored in an alert item, or null when it has none (or the item is null). */
    static Acknowledgement acknowledgement(Map<String, AttributeValue> item) {
        if (item == null || item.get("ackAt") == null || item.get("ackAt").s() == null) {
            return null;
        }
        long atMillis;
        try {
            atMillis = Instant.parse(item.get("ackAt").s()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null; // not written by the API's contract; nothing to apply
        }
        AttributeValue by = item.get("ackBy");
        AttributeValue note = item.get("ackNote");
        return new Acknowledgement(item.get("alertId").s(), by == null ? "unknown" : by.s(), atMillis,
                note == null ? null : note.s());
    }

    /**
     * The refused transition with the stored acknowledgement merged in, for an alert the engine can no longer
     * acknowledge (already cleared there): the acknowledgement's fields and its history step, in time order.
     */
    static AlertTransition mergeAcknowledgement(AlertTransition t, Acknowledgement ack) {
        AlertStatus status = t.status();
        Long clearedMillis = t.clearedMillis();
        Change change = Change.ACKNOWLEDGED;
        if (status == AlertStatus.ACTIVE) {
            status = AlertStatus.ACKNOWLEDGED;
        } else if (status == AlertStatus.LATCHED) {
            status = AlertStatus.CLEARED;
            clearedMillis = ack.atMillis();
            change = Change.CLEARED;
        }
        List<HistoryEntry> history = new ArrayList<>(t.history());
        int at = history.size();
        while (at > 0 && history.get(at - 1).atMillis() > ack.atMillis()) {
            at--;
        }
        history.add(at, new HistoryEntry(change, change == Change.CLEARED ? AlertStatus.CLEARED
                : AlertStatus.ACKNOWLEDGED, t.priority(), ack.atMillis(), ack.by(), null));
        return new AlertTransition(t.alertId(), t.deviceId(), t.deviceType(), t.careUnit(), t.type(), t.priority(),
                t.maxPriority(), status, t.change(), t.raisedTs(), t.updatedMillis(), clearedMillis, t.value(),
                t.threshold(), t.message(), ack.by(), ack.atMillis(), ack.note(), history);
    }

    private static AttributeValue iso(long epochMillis) {
        return AttributeValue.fromS(Instant.ofEpochMilli(epochMillis).toString());
    }
}
