package vigil.consumer.device;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Remembers which sequence numbers of one device were accepted, with bounded memory: the highest accepted
 * {@code seq} plus a bitmap of the {@value #WINDOW} sequence numbers behind it.
 *
 * <p>A {@code seq} older than the bitmap reaches is reported as seen: it cannot be told apart, and a record that
 * far behind is far outside the 120 s late window of telemetry-v1 at any realistic send interval, so treating it
 * as a duplicate (no effect, counted) is the safe choice. See docs/consumer.md.
 *
 * <p><b>Threading contract.</b> Writer-private: used only by the owning shard processor (serial calls).
 */
final class SeqWindow {
    static final int WINDOW = 1024;
    private static final int WORDS = WINDOW / 64;

    private final long[] bits = new long[WORDS]; // bit (s mod WINDOW) set when seq s in (highest-WINDOW, highest] seen
    private long highest = -1; // -1: nothing accepted yet

    /** True when {@code seq} was already accepted (or is too old to tell). */
    boolean seen(long seq) {
        if (highest < 0 || seq > highest) {
            return false;
        }
        if (highest - seq >= WINDOW) {
            return true;
        }
        int bit = (int) (seq % WINDOW);
        return (bits[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    /** Marks {@code seq} accepted. */
    void add(long seq) {
        if (seq > highest) {
            long advance = highest < 0 ? WINDOW : seq - highest;
            if (advance >= WINDOW) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long s = highest + 1; s < seq; s++) {
                    clear(s); // the slots the window slides over now stand for seqs not seen yet
                }
            }
            highest = seq;
        } else if (highest - seq >= WINDOW) {
            return;
        }
        int bit = (int) (seq % WINDOW);
        bits[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long seq) {
        int bit = (int) (seq % WINDOW);
        bits[bit >>> 6] &= ~(1L << (bit & 63));
    }

    long highest() {
        return highest;
    }

    /** Writes the window compactly: highest, a 16-bit mask of the non-zero bitmap words, those words. */
    void writeTo(DataOutput out) throws IOException {
        out.writeLong(highest);
        int nonZero = 0;
        for (int i = 0; i < WORDS; i++) {
            nonZero |= bits[i] != 0 ? 1 << i : 0;
        }
        out.writeShort(nonZero);
        for (int i = 0; i < WORDS; i++) {
            if (bits[i] != 0) {
                out.writeLong(bits[i]);
            }
        }
    }

    void readFrom(DataInput in) throws IOException {
        highest = in.readLong();
        int nonZero = in.readUnsignedShort();
        for (int i = 0; i < WORDS; i++) {
            bits[i] = (nonZero & (1 << i)) != 0 ? in.readLong() : 0;
        }
    }

    void copyFrom(SeqWindow other) {
        highest = other.highest;
        System.arraycopy(other.bits, 0, bits, 0, WORDS);
    }
}
