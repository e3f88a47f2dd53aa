package vigil.dashboard.alert.dynamodb;

import static vigil.dashboard.dynamodb.Attributes.doubleValue;
import static vigil.dashboard.dynamodb.Attributes.instant;
import static vigil.dashboard.dynamodb.Attributes.longValue;
import static vigil.dashboard.dynamodb.Attributes.n;
import static vigil.dashboard.dynamodb.Attributes.s;
import static vigil.dashboard.dynamodb.Attributes.string;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import vigil.dashboard.alert.AlertStore;
import vigil.dashboard.alert.AlertView;
import vigil.schema.AlertAttributes;
import vigil.schema.Tables;

/**
 * Reads {@code <prefix>alerts} (attribute names in {@link AlertAttributes}); open alerts come from the sparse index
 * {@code open-by-care-unit}. Acknowledgements are one conditional UpdateItem each (see {@link AlertAttributes} for
 * the contract with the consumer). Thread-safe.
 */
public final class DynamoAlertStore implements AlertStore {
    private static final int BATCH_GET_MAX_KEYS = 100;
    private static final long DAY_MILLIS = 86_400_000L;

    private final DynamoDbClient dynamo;
    private final String tableName;

    public DynamoAlertStore(DynamoDbClient dynamo, String tablePrefix) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Tables.ALERTS.nameWith(tablePrefix);
    }

    @Override
    public Optional<AlertView> find(String alertId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder()
                        .tableName(tableName)
                        .key(Map.of(AlertAttributes.ALERT_ID, s(alertId)))
                        .consistentRead(true)
                        .build())
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(toView(item));
    }

    @Override
    public List<AlertView> findAll(Collection<String> alertIds) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(alertIds));
        List<AlertView> found = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += BATCH_GET_MAX_KEYS) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : ids.subList(from, Math.min(ids.size(), from + BATCH_GET_MAX_KEYS))) {
                keys.add(Map.of(AlertAttributes.ALERT_ID, s(id)));
            }
            Map<String, KeysAndAttributes> request =
                    Map.of(tableName, KeysAndAttributes.builder().keys(keys).build());
            for (int attempt = 0; !request.isEmpty() && attempt < 10; attempt++) {
                BatchGetItemResponse response =
                        dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(tableName, List.of())) {
                    AlertView view = toView(item);
                    if (view != null) {
                        found.add(view);
                    }
                }
                request = response.unprocessedKeys();
            }
        }
        return found;
    }

    @Override
    public List<AlertView> open(String careUnit, long sinceMillis) {
        List<AlertView> alerts = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#ts", AlertAttributes.RAISED_TS);
        values.put(":since", n(sinceMillis));
        Iterable<Map<String, AttributeValue>> items;
        if (careUnit != null) {
            names.put("#cu", AlertAttributes.OPEN_CARE_UNIT);
            values.put(":cu", s(careUnit));
            items = dynamo.queryPaginator(QueryRequest.builder()
                            .tableName(tableName)
                            .indexName(AlertAttributes.INDEX_OPEN_BY_CARE_UNIT)
                            .keyConditionExpression("#cu = :cu AND #ts >= :since")
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .scanIndexForward(false)
                            .build())
                    .items();
        } else {
            items = dynamo.scanPaginator(ScanRequest.builder()
                            .tableName(tableName)
                            .indexName(AlertAttributes.INDEX_OPEN_BY_CARE_UNIT)
                            .filterExpression("#ts >= :since")
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .build())
                    .items();
        }
        for (Map<String, AttributeValue> item : items) {
            AlertView view = toView(item);
            if (view != null && view.isOpen()) { // the index is eventually consistent
                alerts.add(view);
            }
        }
        return alerts;
    }

    @Override
    public List<AlertView> all(long sinceMillis) {
        List<AlertView> alerts = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(ScanRequest.builder()
                        .tableName(tableName)
                        .filterExpression("#ts >= :since")
                        .expressionAttributeNames(Map.of("#ts", AlertAttributes.RAISED_TS))
                        .expressionAttributeValues(Map.of(":since", n(sinceMillis)))
                        .build())
                .items()) {
            AlertView view = toView(item);
            if (view != null) {
                alerts.add(view);
            }
        }
        return alerts;
    }

    @Override
    public RaisedAlerts raisedBetween(long fromMillis, long toMillis) {
        if (toMillis <= fromMillis) {
            return new RaisedAlerts(List.of(), 0);
        }
        List<AlertView> alerts = new ArrayList<>();
        double readUnits = 0;
        Map<String, String> names = Map.of("#d", AlertAttributes.RAISED_DAY, "#ts", AlertAttributes.RAISED_TS);
        long lastDay = Math.floorDiv(toMillis - 1, DAY_MILLIS);
        for (long day = Math.floorDiv(fromMillis, DAY_MILLIS); day <= lastDay; day++) {
            Map<String, AttributeValue> values = Map.of(
                    ":d", s(AlertAttributes.raisedDay(day * DAY_MILLIS)),
                    ":from", n(fromMillis),
                    ":to", n(toMillis - 1));
            for (QueryResponse page : dynamo.queryPaginator(QueryRequest.builder()
                    .tableName(tableName)
                    .indexName(AlertAttributes.INDEX_RAISED_BY_DAY)
                    .keyConditionExpression("#d = :d AND #ts BETWEEN :from AND :to")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                    .build())) {
                if (page.consumedCapacity() != null && page.consumedCapacity().capacityUnits() != null) {
                    readUnits += page.consumedCapacity().capacityUnits();
                }
                for (Map<String, AttributeValue> item : page.items()) {
                    AlertView view = toView(item);
                    if (view != null) {
                        alerts.add(view);
                    }
                }
            }
        }
        return new RaisedAlerts(alerts, readUnits);
    }

    @Override
    public AlertView acknowledge(AlertView current, String newStatus, String by, Instant at, String note) {
        String atText = at.toString();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#st", AlertAttributes.STATUS);
        names.put("#id", AlertAttributes.ALERT_ID);
        names.put("#h", AlertAttributes.HISTORY);
        names.put("#hc", AlertAttributes.HISTORY_COUNT);
        names.put("#by", AlertAttributes.ACK_BY);
        names.put("#at", AlertAttributes.ACK_AT);
        names.put("#up", AlertAttributes.UPDATED_AT);
        values.put(":expected", s(current.status()));
        values.put(":new", s(newStatus));
        values.put(":by", s(by));
        values.put(":at", s(atText));
        values.put(":zero", n(0));
        values.put(":one", n(1));
        values.put(":empty", AttributeValue.fromL(List.of()));
        Map<String, AttributeValue> step = new HashMap<>();
        boolean clears = AlertView.CLEARED.equals(newStatus);
        step.put("change", s(clears ? "CLEARED" : "ACKNOWLEDGED"));
        step.put("status", s(newStatus));
        if (current.priority() != null) {
            step.put("priority", s(current.priority()));
        }
        step.put("at", s(atText));
        step.put("actor", s(by));
        values.put(":step", AttributeValue.fromL(List.of(AttributeValue.fromM(step))));
        StringBuilder set = new StringBuilder("SET #st = :new, #by = :by, #at = :at, #up = :at,"
                + " #h = list_append(if_not_exists(#h, :empty), :step), #hc = if_not_exists(#hc, :zero) + :one");
        List<String> remove = new ArrayList<>();
        if (note != null) {
            names.put("#note", AlertAttributes.ACK_NOTE);
            values.put(":note", s(note));
            set.append(", #note = :note");
        } else {
            names.put("#note", AlertAttributes.ACK_NOTE);
            remove.add("#note");
        }
        if (clears) {
            names.put("#cl", AlertAttributes.CLEARED_AT);
            names.put("#ocu", AlertAttributes.OPEN_CARE_UNIT);
            set.append(", #cl = :at");
            remove.add("#ocu");
        }
        String update = set + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        try {
            Map<String, AttributeValue> after = dynamo.updateItem(UpdateItemRequest.builder()
                            .tableName(tableName)
                            .key(Map.of(AlertAttributes.ALERT_ID, s(current.alertId())))
                            .updateExpression(update)
                            .conditionExpression("attribute_exists(#id) AND #st = :expected")
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .returnValues(ReturnValue.ALL_NEW)
                            .build())
                    .attributes();
            return toView(after);
        } catch (ConditionalCheckFailedException e) {
            throw new ConcurrentChangeException(current.alertId());
        }
    }

    /** The item as a view, or null when it lacks an alertId. */
    public static AlertView toView(Map<String, AttributeValue> item) {
        String alertId = string(item, AlertAttributes.ALERT_ID);
        if (alertId == null) {
            return null;
        }
        List<AlertView.Step> history = new ArrayList<>();
        AttributeValue h = item.get(AlertAttributes.HISTORY);
        if (h != null && h.hasL()) {
            for (AttributeValue e : h.l()) {
                if (e.hasM()) {
                    Map<String, AttributeValue> m = e.m();
                    history.add(new AlertView.Step(string(m, "change"), string(m, "status"), string(m, "priority"),
                            instant(m, "at"), string(m, "actor"), doubleValue(m, "value")));
                }
            }
        }
        Long raisedTs = longValue(item, AlertAttributes.RAISED_TS);
        Instant raisedAt = instant(item, AlertAttributes.RAISED_AT);
        if (raisedAt == null && raisedTs != null) {
            raisedAt = Instant.ofEpochMilli(raisedTs);
        }
        Long historyCount = longValue(item, AlertAttributes.HISTORY_COUNT);
        return new AlertView(
                alertId,
                string(item, AlertAttributes.DEVICE_ID),
                string(item, AlertAttributes.DEVICE_TYPE),
                string(item, AlertAttributes.CARE_UNIT),
                string(item, AlertAttributes.TYPE),
                string(item, AlertAttributes.PRIORITY),
                string(item, AlertAttributes.MAX_PRIORITY),
                string(item, AlertAttributes.STATUS),
                raisedAt,
                instant(item, AlertAttributes.UPDATED_AT),
                instant(item, AlertAttributes.CLEARED_AT),
                doubleValue(item, AlertAttributes.VALUE),
                doubleValue(item, AlertAttributes.THRESHOLD),
                string(item, AlertAttributes.MESSAGE),
                string(item, AlertAttributes.ACK_BY),
                instant(item, AlertAttributes.ACK_AT),
                string(item, AlertAttributes.ACK_NOTE),
                history,
                raisedTs == null ? (raisedAt == null ? 0L : raisedAt.toEpochMilli()) : raisedTs,
                historyCount == null ? history.size() : historyCount);
    }
}
