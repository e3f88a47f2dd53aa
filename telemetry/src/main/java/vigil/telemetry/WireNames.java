package vigil.telemetry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The known field names of one level of a record (the envelope, or {@code m}) as raw ASCII bytes: the decoder's way
 * to know the next field name from the payload itself, whatever order the collector writes its fields in
 * (ReusableJsonParser#peekNameSlot). The parser then checks the name again, byte for byte, so an answer here is a
 * guess that costs time when wrong, never a different result.
 *
 * <p>Immutable after construction; shared by every decoder.
 */
final class WireNames {
    /** Longer names are never found here ("dialysateFlowMlPerMin", the longest known name, has 21 bytes). */
    static final int MAX_NAME_BYTES = 24;
    private static final int MASK = 127; // 128 entries for at most 28 names: probes are short
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long QUOTES = 0x2222222222222222L;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /* Per entry: the name's bytes as three little-endian words, zero past its end, and its length (0: empty). */
    private final long[] word0 = new long[MASK + 1];
    private final long[] word1 = new long[MASK + 1];
    private final long[] word2 = new long[MASK + 1];
    private final int[] lengths = new int[MASK + 1];
    private final int[] slots = new int[MASK + 1];

    /** {@code names[i]} has slot {@code slotOf[i]}. */
    WireNames(String[] names, int[] slotOf) {
        for (int n = 0; n < names.length; n++) {
            byte[] key = names[n].getBytes(StandardCharsets.US_ASCII);
            if (key.length > MAX_NAME_BYTES || key.length == 0) {
                throw new IllegalArgumentException("name length out of 1.." + MAX_NAME_BYTES + ": " + names[n]);
            }
            byte[] padded = java.util.Arrays.copyOf(key, MAX_NAME_BYTES);
            long w0 = (long) LONGS.get(padded, 0);
            long w1 = (long) LONGS.get(padded, 8);
            long w2 = (long) LONGS.get(padded, 16);
            int i = index(w0, w1, key.length);
            while (lengths[i] != 0) {
                i = (i + 1) & MASK;
            }
            word0[i] = w0;
            word1[i] = w1;
            word2[i] = w2;
            lengths[i] = key.length;
            slots[i] = slotOf[n];
        }
    }

    /**
     * The slot of the name whose bytes start at {@code b[start]} and end at the next {@code "}, or -1 when that is
     * not one of this level's names (or cannot be told: the name runs past {@code end}). Reads eight bytes at a
     * time: the closing quote is found in a word without a loop over bytes, and a name is compared in one to three
     * word compares.
     */
    int slotOf(byte[] b, int start, int end) {
        if (start + MAX_NAME_BYTES > end) {
            return slotOfNearEnd(b, start, end);
        }
        long w0 = (long) LONGS.get(b, start);
        long w1 = 0;
        long w2 = 0;
        int length;
        long quotes = quoteBits(w0);
        if (quotes != 0) {
            length = Long.numberOfTrailingZeros(quotes) >>> 3;
            w0 &= below(length);
        } else {
            w1 = (long) LONGS.get(b, start + 8);
            quotes = quoteBits(w1);
            if (quotes != 0) {
                length = 8 + (Long.numberOfTrailingZeros(quotes) >>> 3);
                w1 &= below(length - 8);
            } else {
                w2 = (long) LONGS.get(b, start + 16);
                quotes = quoteBits(w2);
                if (quotes == 0) {
                    return -1; // longer than every known name
                }
                length = 16 + (Long.numberOfTrailingZeros(quotes) >>> 3);
                w2 &= below(length - 16);
            }
        }
        return find(w0, w1, w2, length);
    }

    private int find(long w0, long w1, long w2, int length) {
        if (length == 0) {
            return -1;
        }
        for (int i = index(w0, w1, length); ; i = (i + 1) & MASK) {
            int l = lengths[i];
            if (l == 0) {
                return -1;
            }
            if (l == length && word0[i] == w0 && word1[i] == w1 && word2[i] == w2) {
                return slots[i];
            }
        }
    }

    /* Near the end of the payload (the last names of a record): gathers the name byte by byte, allocating nothing. */
    private int slotOfNearEnd(byte[] b, int start, int end) {
        long w0 = 0;
        long w1 = 0;
        long w2 = 0;
        int limit = Math.min(end, start + MAX_NAME_BYTES);
        for (int i = start; i < limit; i++) {
            byte c = b[i];
            if (c == '"') {
                return find(w0, w1, w2, i - start);
            }
            int k = i - start;
            long v = (c & 0xFFL) << ((k & 7) << 3);
            if (k < 8) {
                w0 |= v;
            } else if (k < 16) {
                w1 |= v;
            } else {
                w2 |= v;
            }
        }
        return -1;
    }

    /* The high bit of every byte of w that is '"', and possibly of bytes after the first such one. */
    private static long quoteBits(long w) {
        long x = w ^ QUOTES;
        return (x - ONES) & ~x & HIGHS;
    }

    /* A mask of the lowest n bytes (the first n in memory), 0 <= n <= 7. */
    private static long below(int n) {
        return (1L << (n << 3)) - 1;
    }

    private static int index(long w0, long w1, int length) {
        long h = (w0 * 0x9E3779B97F4A7C15L) ^ (w1 * 0xC2B2AE3D27D4EB4FL) ^ length;
        return (int) (h >>> 57) & MASK;
    }
}
