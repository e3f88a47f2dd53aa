package vigil.dashboard.device.dynamodb;

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
import static vigil.schema.DeviceStateAttributes.OPEN_ALERT_IDS;
import static vigil.schema.DeviceStateAttributes.UPDATED_MILLIS;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.dashboard.dynamodb.Attributes;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import vigil.dashboard.device.DeviceState;
import vigil.dashboard.device.DeviceStateStore;
import vigil.schema.HistoryAttributes;
import vigil.schema.Tables;

/**
 * Reads {@code <prefix>device-state}. {@link #all()} scans the whole table (every page) on each call: the known
 * limit of this version. Items missing {@code deviceId} are skipped; numbers that do not fit a long are read as
 * absent rather than failing the request. Thread-safe.
 */
public final class DynamoDeviceStateStore implements DeviceStateStore {
    private final DynamoDbClient dynamo;
    private final String tableName;

    public DynamoDeviceStateStore(DynamoDbClient dynamo, String tablePrefix) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Tables.DEVICE_STATE.nameWith(tablePrefix);
    }

    @Override
    public Optional<DeviceState> find(String deviceId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder()
                        .tableName(tableName)
                        .key(Map.of(DEVICE_ID, AttributeValue.fromS(deviceId)))
                        .build())
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(toState(item));
    }

    @Override
    public List<DeviceState> all() {
        List<DeviceState> states = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(
                        ScanRequest.builder().tableName(tableName).build())
                .items()) {
            DeviceState state = toState(item);
            if (state != null) {
                states.add(state);
            }
        }
        return states;
    }

    /** A device-state item as stored (or as its stream's new image shows it); null without a deviceId. */
    public static DeviceState toState(Map<String, AttributeValue> item) {
        String deviceId = string(item, DEVICE_ID);
        if (deviceId == null) {
            return null;
        }
        Long arrival = number(item, LAST_ARRIVAL_MILLIS);
        return new DeviceState(
                deviceId,
                string(item, DEVICE_TYPE),
                string(item, MODEL),
                string(item, CARE_UNIT),
                number(item, LAST_SEQ),
                number(item, LAST_TS_MILLIS),
                arrival == null ? 0L : arrival,
                metrics(item.get(METRICS)),
                number(item, APPLIED_SETTINGS_VERSION),
                count(item, COUNT_ACCEPTED),
                count(item, COUNT_DUPLICATE),
                count(item, COUNT_LATE),
                count(item, COUNT_REJECTED),
                number(item, UPDATED_MILLIS),
                figures(item),
                strings(item.get(OPEN_ALERT_IDS)));
    }

    private static Map<String, Double> figures(Map<String, AttributeValue> item) {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String name : HistoryAttributes.FIGURES) {
            AttributeValue v = item.get(name);
            if (v != null && v.n() != null) {
                try {
                    figures.put(name, Double.valueOf(v.n()));
                } catch (NumberFormatException e) {
                    // unreadable: not evaluable
                }
            }
        }
        return figures;
    }

    private static List<String> strings(AttributeValue value) {
        if (value == null) {
            return List.of();
        }
        if (value.hasL()) {
            return value.l().stream().map(AttributeValue::s).filter(Objects::nonNull).toList();
        }
        if (value.hasSs()) {
            return value.ss();
        }
        return List.of();
    }

    private static Map<String, Object> metrics(AttributeValue value) {
        if (value == null || !value.hasM()) {
            return Map.of();
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        value.m().forEach((name, v) -> {
            if (v.n() != null) {
                metrics.put(name, new BigDecimal(v.n()));
            } else if (v.s() != null) {
                metrics.put(name, v.s());
            } else if (v.bool() != null) {
                metrics.put(name, v.bool());
            }
            // Other types are not part of the wire format; NULL means absent.
        });
        return metrics;
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        return Attributes.string(item, name);
    }

    private static Long number(Map<String, AttributeValue> item, String name) {
        return Attributes.longValue(item, name);
    }

    private static long count(Map<String, AttributeValue> item, String name) {
        Long n = number(item, name);
        return n == null ? 0L : n;
    }
}
