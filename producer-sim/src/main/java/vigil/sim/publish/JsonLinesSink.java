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
 * {@code replay} command reads these files. With arrival times, each line is a wrapper
 * {@code {"arrivalMs":<sent millis>,"payload":<record>}} (docs/scenarios.md, "Replay"), so that the replay sees
 * the arrivals the collector produced (held-back and resent records, device clocks off).
 *
 * <p><b>Threading contract.</b> All methods are synchronized; any thread may call them.
 */
public final class JsonLinesSink implements RecordSink {
    private static final byte[] WRAPPER_HEAD = "{\"arrivalMs\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] WRAPPER_PAYLOAD = ",\"payload\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final boolean arrivalTimes;
    private long written; // guarded by this
    private boolean closed; // guarded by this

    /** Creates or truncates {@code file}. */
    public static JsonLinesSink create(Path file) throws IOException {
        return create(file, false);
    }

    /** Creates or truncates {@code file}; with {@code arrivalTimes}, each line is a wrapper with its arrival. */
    public static JsonLinesSink create(Path file, boolean arrivalTimes) throws IOException {
        return new JsonLinesSink(Files.newOutputStream(file), arrivalTimes);
    }

    /** Writes to {@code out}, which the sink closes on {@link #close()}. */
    public JsonLinesSink(OutputStream out) {
        this(out, false);
    }

    /** Writes to {@code out}; with {@code arrivalTimes}, wrapper lines. */
    public JsonLinesSink(OutputStream out, boolean arrivalTimes) {
        this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), 256 * 1024);
        this.arrivalTimes = arrivalTimes;
    }

    /** A record without a send time: written plain even with arrival times (the replay then infers its arrival). */
    @Override
    public synchronized void submit(String partitionKey, byte[] data) {
        write(partitionKey, data, Long.MIN_VALUE);
    }

    @Override
    public synchronized void submit(String partitionKey, byte[] data, long sentMillis) {
        write(partitionKey, data, arrivalTimes ? sentMillis : Long.MIN_VALUE);
    }

    private void write(String partitionKey, byte[] data, long arrivalMillis) {
        Objects.requireNonNull(partitionKey, "partitionKey");
        if (closed) {
            throw new IllegalStateException("sink is closed");
        }
        try {
            if (arrivalMillis != Long.MIN_VALUE) {
                out.write(WRAPPER_HEAD);
                writeLong(arrivalMillis);
                out.write(WRAPPER_PAYLOAD);
                out.write(data);
                out.write('}');
            } else {
                out.write(data);
            }
            out.write('\n');
        } catch (IOException e) {
            throw new PublishFailedException("writing the JSON-lines file failed", e);
        }
        written++;
    }

    private void writeLong(long v) throws IOException {
        out.write(Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
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
