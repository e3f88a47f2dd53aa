package vigil.dashboard.audit.dynamodb;

import java.security.SecureRandom;
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
import vigil.dashboard.audit.AuditUnavailableException;
import vigil.schema.Tables;

/**
 * Appends audit entries to the {@code <prefix>audit} table: hash key {@code day} (UTC {@code yyyy-MM-dd}), range key
 * {@code entryKey} = ISO time + {@code #} + 16 random hex digits, so entries of one day sort by time. Every put is
 * conditional on the key being new: an entry can never overwrite another. Thread-safe (the client and the random
 * source are).
 */
public final class DynamoAuditLog implements AuditLog {
    public static final String DAY = "day";
    public static final String ENTRY_KEY = "entryKey";
    public static final String TIME = "time";
    public static final String ACTOR = "actor";
    public static final String ROLE = "role";
    public static final String ACTION = "action";
    public static final String DEVICE_ID = "deviceId";
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

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
