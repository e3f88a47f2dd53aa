package vigil.consumer.recovery;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Encodes recovery journal chunks: the ledger writes a chunk's body into {@link #body()} in one pass (absolute puts
 * into a reused array), then {@link #finish} compresses the body once, as a whole, with a reused {@link Deflater}
 * at its fastest level, behind the chunk's uncompressed head. A chunk's bookkeeping (dedupe bitmap, newest record
 * as JSON) and its samples (flags and rates that rarely change) compress about two to one, which keeps a 20-second
 * delta within one write unit and halves what a new owner reads.
 *
 * <p><b>Threading contract.</b> Writer-private: one per shard processor, used on its calls only.
 */
public final class ChunkEncoder {
    private final RecoveryBuffer body = new RecoveryBuffer(4_096);
    private final RecoveryBuffer head = new RecoveryBuffer(128);
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    private byte[] compressed = new byte[4_096];

    /** The buffer the ledger writes the next chunk's body into (cleared here). */
    public RecoveryBuffer body() {
        body.clear();
        return body;
    }

    /** The chunk: head, the body's uncompressed length (int), the body compressed (zlib). */
    public RecoveryChunk finish(String deviceId, long chunkSeq, long prevSeq, boolean base) {
        head.clear();
        RecoveryChunk.writeHead(head, base, chunkSeq, prevSeq, deviceId);
        head.writeInt(body.length());
        deflater.reset();
        deflater.setInput(body.array(), 0, body.length());
        deflater.finish();
        int n = 0;
        while (!deflater.finished()) {
            if (n == compressed.length) {
                compressed = Arrays.copyOf(compressed, compressed.length * 2);
            }
            n += deflater.deflate(compressed, n, compressed.length - n);
        }
        byte[] out = Arrays.copyOf(head.array(), head.length() + n);
        System.arraycopy(compressed, 0, out, head.length(), n);
        return new RecoveryChunk(deviceId, chunkSeq, base, out);
    }

    /**
     * The body of a stored chunk, inflated, positioned after the head (restore only).
     *
     * @throws IOException when the chunk is not of this format or does not inflate to its stated length
     */
    public static DataInputStream bodyOf(byte[] chunk) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(chunk));
        RecoveryChunk.readHead(in);
        int length = in.readInt();
        if (length < 0 || length > 64 * 1024 * 1024) {
            throw new IOException("chunk body length " + length + " out of range");
        }
        int offset = chunk.length - in.available();
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(chunk, offset, chunk.length - offset);
            byte[] raw = new byte[length];
            int n = 0;
            while (n < length && !inflater.finished()) {
                int got = inflater.inflate(raw, n, length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("chunk body truncated");
                }
                n += got;
            }
            if (n != length) {
                throw new IOException("chunk body inflated to " + n + " bytes, not " + length);
            }
            return new DataInputStream(new ByteArrayInputStream(raw));
        } catch (DataFormatException e) {
            throw new IOException("chunk body is not deflated data", e);
        } finally {
            inflater.end();
        }
    }
}
