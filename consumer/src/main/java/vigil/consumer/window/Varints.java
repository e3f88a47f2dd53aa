package vigil.consumer.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Unsigned LEB128 variable-length longs for the recovery journal: 7 bits a byte, low bits first. A ts delta of
 * one second takes 2 bytes instead of 8. Negative values take 10 bytes; callers write non-negative ones.
 */
public final class Varints {
    private Varints() {}

    public static void write(DataOutput out, long value) throws IOException {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /** A signed long, zigzag-encoded (small magnitudes of either sign take few bytes). */
    public static void writeSigned(DataOutput out, long value) throws IOException {
        write(out, (value << 1) ^ (value >> 63));
    }

    /** Reads a value written by {@link #writeSigned}. */
    public static long readSigned(DataInput in) throws IOException {
        long v = read(in);
        return (v >>> 1) ^ -(v & 1);
    }

    public static long read(DataInput in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("variable-length number longer than 10 bytes");
    }
}
