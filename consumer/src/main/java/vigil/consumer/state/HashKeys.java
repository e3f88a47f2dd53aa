package vigil.consumer.state;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Kinesis hash keys of devices: a record goes to the shard whose hash key range holds MD5(partition key) read as an
 * unsigned 128-bit number; the partition key is the device id. Stored as {@value #DIGITS}-digit zero-padded decimal
 * strings so that DynamoDB's string order is numeric order.
 */
public final class HashKeys {
    /** 2^128 - 1 has 39 decimal digits. */
    public static final int DIGITS = 39;

    private HashKeys() {}

    /** The device's hash key, padded. */
    public static String of(String deviceId) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(deviceId.getBytes(StandardCharsets.UTF_8));
            return pad(new BigInteger(1, md5));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has MD5", e);
        }
    }

    /** A hash key (as Kinesis writes it in a shard's range, decimal) padded to {@value #DIGITS} digits. */
    public static String pad(BigInteger hashKey) {
        String digits = hashKey.toString();
        return "0".repeat(DIGITS - digits.length()) + digits;
    }
}
