package vigil.consumer.state.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.consumer.state.QuarantinedRecord;

/** Maps a {@link QuarantinedRecord} to a quarantine item; {@code expiresAt} (epoch seconds) drives the TTL. */
final class QuarantineItems {
    private QuarantineItems() {}

    static Map<String, AttributeValue> toItem(QuarantinedRecord q, Duration ttl) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("shardId", AttributeValue.fromS(q.shardId()));
        item.put("recordKey", AttributeValue.fromS(q.recordKey()));
        item.put("sequenceNumber", AttributeValue.fromS(q.sequenceNumber()));
        item.put("subSequenceNumber", DeviceStateItems.number(q.subSequenceNumber()));
        item.put("arrivalMillis", DeviceStateItems.number(q.arrivalMillis()));
        item.put("arrivalAt", AttributeValue.fromS(Instant.ofEpochMilli(q.arrivalMillis()).toString()));
        item.put("reason", AttributeValue.fromS(q.code()));
        if (q.deviceId() != null) {
            item.put("deviceId", AttributeValue.fromS(q.deviceId()));
        }
        if (q.field() != null) {
            item.put("field", AttributeValue.fromS(q.field()));
        }
        if (q.internalError() != null) {
            item.put("internalError", AttributeValue.fromS(q.internalError()));
        }
        item.put("payload", AttributeValue.fromB(SdkBytes.fromByteArray(q.payload())));
        item.put("expiresAt", DeviceStateItems.number(q.arrivalMillis() / 1000 + ttl.toSeconds()));
        return item;
    }
}
