package vigil.consumer.recovery;

import java.io.DataOutput;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A reusable, growable byte buffer to encode recovery journal chunks in one pass: {@link DataOutput} with absolute
 * big-endian puts into one array (no stream, no per-field deflater), as Agrona's expandable buffers do. The array
 * grows by doubling and is kept between chunks, so encoding allocates nothing once warm; {@link #toByteArray()}
 * copies the chunk out for the writer.
 *
 * <p><b>Threading contract.</b> Writer-private: one per shard processor, used on its calls only.
 */
public final class RecoveryBuffer implements DataOutput {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private byte[] bytes;
    private int length;

    public RecoveryBuffer(int initialCapacity) {
        if (initialCapacity <= 0) {
            throw new IllegalArgumentException("initialCapacity must be positive: " + initialCapacity);
        }
        this.bytes = new byte[initialCapacity];
    }

    /** Starts a new chunk: forgets the content, keeps the array. */
    public void clear() {
        length = 0;
    }

    public int length() {
        return length;
    }

    /** The backing array: content in {@code [0, length())}; valid until the next write. */
    byte[] array() {
        return bytes;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        bytes[length++] = (byte) (v >>> 8);
        bytes[length++] = (byte) v;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        INT.set(bytes, length, v);
        length += 4;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        LONG.set(bytes, length, v);
        length += 8;
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToRawIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToRawLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
    }

    @Override
    public void writeChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            writeChar(s.charAt(i));
        }
    }

    /** Modified UTF-8 with a 2-byte length, exactly as {@link java.io.DataOutputStream#writeUTF} writes it. */
    @Override
    public void writeUTF(String s) {
        int utfLength = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            utfLength += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        if (utfLength > 0xFFFF) {
            throw new IllegalArgumentException("string of " + utfLength + " bytes is too long for writeUTF");
        }
        writeShort(utfLength);
        ensure(utfLength);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                bytes[length++] = (byte) c;
            } else if (c <= 0x07FF) {
                bytes[length++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                bytes[length++] = (byte) (0x80 | (c & 0x3F));
            } else {
                bytes[length++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                bytes[length++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
