package vigil.feed;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One change of one item, as the table's stream reports it.
 *
 * @param keys          the item's key attributes
 * @param newImage      the item after the change; null when the item was removed (or expired by TTL)
 * @param sequenceNumber the stream's sequence number (increasing per item; comparable within a stream shard only)
 * @param createdMillis when the change was made (the stream's approximate creation time, second precision in AWS)
 */
public record TableChange(
        Map<String, AttributeValue> keys, Map<String, AttributeValue> newImage, String sequenceNumber,
        long createdMillis) {

    public boolean isRemoval() {
        return newImage == null;
    }
}
