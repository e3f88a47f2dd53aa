package vigil.dashboard.settings.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import vigil.dashboard.settings.SettingsStore;
import vigil.schema.Tables;

/**
 * Keeps each settings document as one item of {@code <prefix>settings}, hash key {@code deviceId}, with the
 * document's fields as native attributes (objects as maps, numbers as numbers), so that the consumer and collectors
 * read {@code calibration.lastCalibratedAt} or {@code thresholds} without parsing JSON. Writes are conditional
 * PutItems on {@code version}. Thread-safe.
 */
public final class DynamoSettingsStore implements SettingsStore {
    /** Order of the document's fields in answers. */
    private static final List<String> ORDER = List.of("deviceId", "version", "careUnit", "bed", "model",
            "calibration", "thresholds", "firmware", "updatedAt", "updatedBy");

    private final DynamoDbClient dynamo;
    private final String tableName;

    public DynamoSettingsStore(DynamoDbClient dynamo, String tablePrefix) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Tables.SETTINGS.nameWith(tablePrefix);
    }

    @Override
    public Optional<ObjectNode> find(String deviceId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder()
                        .tableName(tableName)
                        .key(Map.of("deviceId", AttributeValue.fromS(deviceId)))
                        .consistentRead(true)
                        .build())
                .item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        for (String name : ORDER) {
            if (item.containsKey(name)) {
                doc.set(name, toJson(item.get(name)));
            }
        }
        item.forEach((name, value) -> {
            if (!ORDER.contains(name)) {
                doc.set(name, toJson(value));
            }
        });
        return Optional.of(doc);
    }

    @Override
    public void write(ObjectNode document, Long expectedVersion) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : document.properties()) {
            AttributeValue v = toAttribute(field.getValue());
            if (v != null) {
                item.put(field.getKey(), v);
            }
        }
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(tableName).item(item);
        if (expectedVersion == null) {
            put.conditionExpression("attribute_not_exists(deviceId)");
        } else {
            put.conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", "version"))
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(expectedVersion))));
        }
        try {
            dynamo.putItem(put.build());
        } catch (ConditionalCheckFailedException e) {
            throw new PreconditionFailedException(document.path("deviceId").asText());
        }
    }

    static AttributeValue toAttribute(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return AttributeValue.fromS(node.asText());
        }
        if (node.isNumber()) {
            return AttributeValue.fromN(node.decimalValue().toPlainString());
        }
        if (node.isBoolean()) {
            return AttributeValue.fromBool(node.asBoolean());
        }
        if (node.isArray()) {
            List<AttributeValue> list = new ArrayList<>();
            node.forEach(e -> {
                AttributeValue v = toAttribute(e);
                list.add(v == null ? AttributeValue.fromNul(true) : v);
            });
            return AttributeValue.fromL(list);
        }
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            AttributeValue v = toAttribute(field.getValue());
            if (v != null) {
                map.put(field.getKey(), v);
            }
        }
        return AttributeValue.fromM(map);
    }

    static JsonNode toJson(AttributeValue v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v.s() != null) {
            return f.textNode(v.s());
        }
        if (v.n() != null) {
            BigDecimal d = new BigDecimal(v.n());
            return d.scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0
                    ? f.numberNode(d.longValueExact())
                    : f.numberNode(d);
        }
        if (v.bool() != null) {
            return f.booleanNode(v.bool());
        }
        if (v.hasM()) {
            ObjectNode o = f.objectNode();
            v.m().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> o.set(e.getKey(), toJson(e.getValue())));
            return o;
        }
        if (v.hasL()) {
            ArrayNode a = f.arrayNode();
            v.l().forEach(e -> a.add(toJson(e)));
            return a;
        }
        return f.nullNode();
    }
}
