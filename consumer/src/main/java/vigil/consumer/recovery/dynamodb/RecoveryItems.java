package vigil.consumer.recovery.dynamodb;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.consumer.recovery.RecoveryChunk;
import vigil.consumer.state.HashKeys;
import vigil.schema.RecoveryAttributes;

/**
 * Maps recovery chunks to device-recovery items ({@link RecoveryAttributes}): key {@code bucket} (top 8 bits of the
 * hash key) + {@code slotKey} (padded hash key # device id # slot). Item size: about 110 bytes of keys and names
 * plus the chunk.
 */
public final class RecoveryItems {
    /** Buckets: 256, so a shard of a 4-shard stream reads 64 partitions, one of a 1,000-shard stream one or two. */
    static final int BUCKET_SHIFT = 120;

    private RecoveryItems() {}

    public static Map<String, AttributeValue> toItem(RecoveryChunk chunk, long nowMillis) {
        BigInteger hash = hashKey(chunk.deviceId());
        Map<String, AttributeValue> item = new HashMap<>(8);
        item.put(RecoveryAttributes.BUCKET, AttributeValue.fromN(Integer.toString(bucket(hash))));
        item.put(RecoveryAttributes.SLOT_KEY, AttributeValue.fromS(slotKey(hash, chunk.deviceId(),
                (int) Math.floorMod(chunk.chunkSeq(), (long) RecoveryChunk.SLOTS))));
        item.put(RecoveryAttributes.CHUNK_SEQ, AttributeValue.fromN(Long.toString(chunk.chunkSeq())));
        item.put(RecoveryAttributes.CHUNK, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(chunk.bytes())));
        long expiresAtSeconds = (nowMillis + Duration.ofDays(RecoveryAttributes.RETENTION_DAYS).toMillis()) / 1000;
        item.put(RecoveryAttributes.EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAtSeconds)));
        return item;
    }

    static int bucket(BigInteger hashKey) {
        return hashKey.shiftRight(BUCKET_SHIFT).intValueExact();
    }

    static String slotKey(BigInteger hashKey, String deviceId, int slot) {
        return HashKeys.pad(hashKey) + '#' + deviceId + '#' + (slot < 10 ? "0" : "") + slot;
    }

    /** The device id inside a slot key. */
    static String deviceIdOf(String slotKey) {
        int first = slotKey.indexOf('#');
        int last = slotKey.lastIndexOf('#');
        if (first < 0 || last <= first) {
            throw new IllegalArgumentException("not a recovery slot key");
        }
        return slotKey.substring(first + 1, last);
    }

    static BigInteger hashKey(String deviceId) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(deviceId.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has MD5", e);
        }
    }
}
