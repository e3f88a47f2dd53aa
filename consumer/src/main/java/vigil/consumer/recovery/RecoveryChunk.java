package vigil.consumer.recovery;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * One chunk of a device's recovery journal, as written to the store (docs/storage.md, "Recovery journal").
 *
 * <p>Layout: a fixed head ({@link #FORMAT} byte, kind byte: 0 base, 1 delta; chunkSeq long; prevSeq long, 0 for a
 * base; device id UTF), the body's length (int) and the body, compressed as a whole ({@link ChunkEncoder}): the
 * ledger's part (counts, dedupe window, newest record) and the rules' part (arrival
 * and rejection bookkeeping, open alerts, window samples). A base holds every retained sample; a delta the samples
 * offered since the chunk before it ({@code prevSeq}). A device's chain is a base followed by deltas each naming
 * the one before; its newest chunk carries the device's whole bookkeeping.
 *
 * @param chunkSeq increasing per device across owners; the store keeps the chunk in slot
 *     {@code chunkSeq mod SLOTS} and refuses to overwrite a newer one
 * @param bytes    the encoded chunk, head included; not modified after construction
 */
public record RecoveryChunk(String deviceId, long chunkSeq, boolean base, byte[] bytes) {
    /**
     * Format of the chunk layout this version writes (docs/storage.md, "Recovery journal"). 3 (v1.1 rules): each
     * pump sample also carries the start of its stopped/paused run and its arrival skew. 4: the body ends with the
     * version of the settings document the rules had applied (a new owner then re-applies only newer documents).
     */
    public static final int FORMAT = 4;
    /** The oldest format a reader takes: a format-3 chunk is the same body without the settings version. */
    public static final int OLDEST_READABLE_FORMAT = 3;
    /** Slots per device in the store: a chain is at most {@link #MAX_CHAIN} long, so it never wraps onto itself. */
    public static final int SLOTS = 32;
    /** A device writes a base at least every this many chunks (see {@code DeviceLedger#baseEvery}). */
    public static final int MAX_CHAIN = 20;
    /**
     * How far a new owner's first chunk number jumps past the newest one it restored: congruent to 1 modulo
     * {@link #SLOTS}, so the continued chain stays in consecutive slots, and far above anything a previous owner
     * still writing (after losing its lease, before it notices) can reach; the store's "never overwrite a newer
     * chunk" condition then keeps that owner's late writes out of the new chain.
     */
    public static final long OWNER_JUMP = SLOTS * 65_536L + 1;

    /** The fixed head every chunk starts with. */
    public record Head(int format, boolean base, long chunkSeq, long prevSeq, String deviceId) {}

    /** Reads the head at the current position of {@code in}. */
    public static Head readHead(DataInput in) throws IOException {
        int format = in.readUnsignedByte();
        if (format < OLDEST_READABLE_FORMAT || format > FORMAT) {
            throw new IOException("unknown recovery chunk format " + format);
        }
        int kind = in.readUnsignedByte();
        if (kind > 1) {
            throw new IOException("unknown recovery chunk kind " + kind);
        }
        long seq = in.readLong();
        long prev = in.readLong();
        return new Head(format, kind == 0, seq, prev, in.readUTF());
    }

    /** Writes a head. */
    static void writeHead(RecoveryBuffer out, boolean base, long chunkSeq, long prevSeq, String deviceId) {
        out.writeByte(FORMAT);
        out.writeByte(base ? 0 : 1);
        out.writeLong(chunkSeq);
        out.writeLong(prevSeq);
        out.writeUTF(deviceId);
    }

    /** The head of a stored chunk. */
    public static Head headOf(byte[] chunk) throws IOException {
        return readHead(new DataInputStream(new ByteArrayInputStream(chunk)));
    }
}
