package vigil.dashboard.device.dynamodb;

import static vigil.dashboard.dynamodb.Attributes.doubleValue;
import static vigil.dashboard.dynamodb.Attributes.longValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import vigil.dashboard.device.DeviceHistoryStore;
import vigil.dashboard.device.HistoryPoint;
import vigil.dashboard.dynamodb.Attributes;
import vigil.schema.HistoryAttributes;
import vigil.schema.Tables;

/** Reads {@code <prefix>device-history} (names in {@link HistoryAttributes}) with one paged Query. Thread-safe. */
public final class DynamoDeviceHistoryStore implements DeviceHistoryStore {
    private final DynamoDbClient dynamo;
    private final String tableName;

    public DynamoDeviceHistoryStore(DynamoDbClient dynamo, String tablePrefix) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Tables.DEVICE_HISTORY.nameWith(tablePrefix);
    }

    @Override
    public List<HistoryPoint> between(String deviceId, long fromMillis, long toMillis) {
        List<HistoryPoint> points = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(QueryRequest.builder()
                        .tableName(tableName)
                        .keyConditionExpression("#d = :d AND #m BETWEEN :from AND :to")
                        .expressionAttributeNames(Map.of(
                                "#d", HistoryAttributes.DEVICE_ID, "#m", HistoryAttributes.MINUTE_MILLIS))
                        .expressionAttributeValues(Map.of(
                                ":d", Attributes.s(deviceId),
                                ":from", Attributes.n(fromMillis),
                                ":to", Attributes.n(toMillis)))
                        .build())
                .items()) {
            Long minute = longValue(item, HistoryAttributes.MINUTE_MILLIS);
            if (minute == null) {
                continue;
            }
            points.add(new HistoryPoint(
                    Instant.ofEpochMilli(minute),
                    doubleValue(item, "flowErrorPct"),
                    doubleValue(item, "pressureOffsetMmHg"),
                    doubleValue(item, "conductivityDivergenceMsCm"),
                    doubleValue(item, "temperatureDivergenceC"),
                    doubleValue(item, "minutesToEmpty"),
                    doubleValue(item, "batteryMinutesLeft"),
                    doubleValue(item, "acidMinutesLeft"),
                    doubleValue(item, "filterHoursLeft")));
        }
        return points;
    }
}
