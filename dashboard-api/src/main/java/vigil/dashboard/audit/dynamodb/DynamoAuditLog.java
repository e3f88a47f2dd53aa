package vigil.dashboard.audit.dynamodb;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import vigil.dashboard.dynamodb.Attributes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import vigil.dashboard.audit.AuditEntry;
import vigil.dashboard.audit.AuditLog;
import vigil.dashboard.audit.AuditReader;
import vigil.dashboard.audit.AuditRecord;
import vigil.dashboard.audit.AuditUnavailableException;
import vigil.schema.Tables;

/**
 * Appends audit entries to the {@code <prefix>audit} table: hash key {@code day} (UTC {@code yyyy-MM-dd}), range key
 * {@code entryKey} = ISO time + {@code #} + 16 random hex digits, so entries of one day sort by time. Every put is
 * conditional on the key being new: an entry can never overwrite another. Thread-safe (the client and the random
 * source are).
 */
public final class DynamoAuditLog implements AuditLog, AuditReader {
    public static final String DAY = "day";
    public static final String ENTRY_KEY = "entryKey";
    public static final String TIME = "time";
    public static final String ACTOR = "actor";
    public static final String ROLE = "role";
    public static final String ACTION = "action";
    public static final String DEVICE_ID = "deviceId";
    public static final String ALERT_ID = "alertId";
    public static final String OUTCOME = "outcome";

    private static final DateTimeFormatter DAY_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    // Fixed millisecond precision so that keys sort lexicographically in time order.
    private static final DateTimeFormatter TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final SecureRandom random = new SecureRandom();

    public DynamoAuditLog(DynamoDbClient dynamo, String tablePrefix) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Tables.AUDIT.nameWith(tablePrefix);
    }

    @Override
    public void append(AuditEntry entry) {
        byte[] id = new byte[8];
        random.nextBytes(id);
        String time = TIME_FORMAT.format(entry.time());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DAY, s(DAY_FORMAT.format(entry.time())));
        item.put(ENTRY_KEY, s(time + "#" + HexFormat.of().formatHex(id)));
        item.put(TIME, s(time));
        item.put(ACTOR, s(entry.actor()));
        item.put(ROLE, s(entry.role()));
        item.put(ACTION, s(entry.action().wireName()));
        if (entry.deviceId() != null) {
            item.put(DEVICE_ID, s(entry.deviceId()));
        }
        if (entry.alertId() != null) {
            item.put(ALERT_ID, s(entry.alertId()));
        }
        item.put(OUTCOME, AttributeValue.fromN(Integer.toString(entry.outcomeStatus())));
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", ENTRY_KEY))
                    .build());
        } catch (SdkException e) {
            throw new AuditUnavailableException("audit entry not written to " + tableName, e);
        }
    }

    @Override
    public List<AuditRecord> read(
            Instant from, Instant to, String deviceId, String actor, String beforeKey, int max) {
        List<AuditRecord> out = new ArrayList<>();
        String fromKey = TIME_FORMAT.format(from);
        String toKey = TIME_FORMAT.format(to) + "~"; // '~' sorts after '#': entries of the last millisecond count
        if (beforeKey != null && beforeKey.compareTo(toKey) < 0) {
            toKey = beforeKey;
        }
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
        for (LocalDate day = LocalDate.ofInstant(to, ZoneOffset.UTC); !day.isBefore(first) && out.size() < max;
                day = day.minusDays(1)) {
            Map<String, String> names = new HashMap<>();
            Map<String, AttributeValue> values = new HashMap<>();
            names.put("#d", DAY);
            names.put("#k", ENTRY_KEY);
            values.put(":d", s(day.toString()));
            values.put(":from", s(fromKey));
            values.put(":to", s(toKey));
            List<String> filters = new ArrayList<>();
            if (deviceId != null) {
                names.put("#dev", DEVICE_ID);
                values.put(":dev", s(deviceId));
                filters.add("#dev = :dev");
            }
            if (actor != null) {
                names.put("#act", ACTOR);
                values.put(":act", s(actor));
                filters.add("#act = :act");
            }
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(tableName)
                    .keyConditionExpression("#d = :d AND #k BETWEEN :from AND :to")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .scanIndexForward(false);
            if (!filters.isEmpty()) {
                query.filterExpression(String.join(" AND ", filters));
            }
            for (Map<String, AttributeValue> item : dynamo.queryPaginator(query.build()).items()) {
                String key = Attributes.string(item, ENTRY_KEY);
                if (key == null || (beforeKey != null && key.compareTo(beforeKey) >= 0)) {
                    continue;
                }
                Long outcome = Attributes.longValue(item, OUTCOME);
                out.add(new AuditRecord(Attributes.instant(item, TIME), Attributes.string(item, ACTOR),
                        Attributes.string(item, ROLE), Attributes.string(item, ACTION),
                        Attributes.string(item, DEVICE_ID), Attributes.string(item, ALERT_ID),
                        outcome == null ? null : outcome.intValue(), key));
                if (out.size() >= max) {
                    break;
                }
            }
        }
        return out;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
