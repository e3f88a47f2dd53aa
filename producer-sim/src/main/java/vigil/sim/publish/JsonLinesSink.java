package vigil.sim.publish;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Writes each record's encoded bytes followed by {@code '\n'}: one JSON object per line, in submission order. The
 * encoder never writes a raw newline (JSON escapes it inside strings), so every line is one record. A later
 * {@code replay} command reads these files.
 *
 * <p><b>Threading contract.</b> All methods are synchronized; any thread may call them.
 */
public final class JsonLinesSink implements RecordSink {
    private final OutputStream out;
    private long written; // guarded by this
    private boolean closed; // guarded by this

    /** Creates or truncates {@code file}. */
    public static JsonLinesSink create(Path file) throws IOException {
        return new JsonLinesSink(Files.newOutputStream(file));
    }

    /** Writes to {@code out}, which the sink closes on {@link #close()}. */
    public JsonLinesSink(OutputStream out) {
        this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), 64 * 1024);
    }

    @Override
    public synchronized void submit(String partitionKey, byte[] data) {
        Objects.requireNonNull(partitionKey, "partitionKey");
        if (closed) {
            throw new IllegalStateException("sink is closed");
        }
        try {
            out.write(data);
            out.write('\n');
        } catch (IOException e) {
            throw new PublishFailedException("writing the JSON-lines file failed", e);
        }
        written++;
    }

    @Override
    public synchronized boolean flush(Duration timeout) {
        try {
            out.flush();
        } catch (IOException e) {
            throw new PublishFailedException("flushing the JSON-lines file failed", e);
        }
        return true;
    }

    @Override
    public synchronized SinkStats stats() {
        return new SinkStats(written, written, written, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the JSON-lines file failed", e);
        }
    }
}
