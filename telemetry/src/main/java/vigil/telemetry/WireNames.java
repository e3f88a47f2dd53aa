package vigil.telemetry;

import java.nio.charset.StandardCharsets;

/**
 * The known field names of one level of a record (the envelope, or {@code m}) as raw ASCII bytes, found by a hash of
 * the name's length and bytes and confirmed by a byte compare: the decoder's way to know the next field name from the
 * payload itself, whatever order the collector writes its fields in (ReusableJsonParser#peekNameSlot).
 *
 * <p>Immutable after construction; shared by every decoder.
 */
final class WireNames {
    /** Longer names are never looked up here ("dialysateFlowMlPerMin", the longest known name, has 21 bytes). */
    static final int MAX_NAME_BYTES = 32;
    private static final int MASK = 127; // 128 entries for at most 28 names: probes are short

    private final byte[][] keys = new byte[MASK + 1][];
    private final int[] slots = new int[MASK + 1];

    /** {@code names[i]} has slot {@code slotOf[i]}. */
    WireNames(String[] names, int[] slotOf) {
        for (int n = 0; n < names.length; n++) {
            byte[] key = names[n].getBytes(StandardCharsets.US_ASCII);
            if (key.length > MAX_NAME_BYTES || key.length == 0) {
                throw new IllegalArgumentException("name length out of 1.." + MAX_NAME_BYTES + ": " + names[n]);
            }
            int i = index(key, 0, key.length);
            while (keys[i] != null) {
                i = (i + 1) & MASK;
            }
            keys[i] = key;
            slots[i] = slotOf[n];
        }
    }

    /** The slot of the name in {@code b[start, start + length)}, or -1 when it is not one of this level's names. */
    int slotOf(byte[] b, int start, int length) {
        if (length == 0) {
            return -1;
        }
        for (int i = index(b, start, length); ; i = (i + 1) & MASK) {
            byte[] k = keys[i];
            if (k == null) {
                return -1;
            }
            if (k.length == length && equal(k, b, start)) {
                return slots[i];
            }
        }
    }

    /*
     * A plain loop: names are short, and Arrays.equals's vectorized mismatch costs more to set up than it saves here
     * (it was 11 % of the decode + engine profile on shuffled fields).
     */
    private static boolean equal(byte[] key, byte[] b, int start) {
        for (int j = 0; j < key.length; j++) {
            if (key[j] != b[start + j]) {
                return false;
            }
        }
        return true;
    }

    /* Length, first, middle and last byte: distinguishes every known name of a level with few collisions. */
    private static int index(byte[] b, int start, int length) {
        int h = length * 31 + b[start];
        h = h * 31 + b[start + (length >> 1)];
        h = h * 31 + b[start + length - 1];
        return (h ^ (h >>> 7)) & MASK;
    }
}
