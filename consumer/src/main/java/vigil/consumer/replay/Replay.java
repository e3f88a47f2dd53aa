package vigil.consumer.replay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import vigil.consumer.ingest.ShardIngest;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.Change;
import vigil.consumer.rules.AlertType;
import vigil.consumer.rules.SettingsSource;
import vigil.telemetry.RejectReason;

/**
 * Runs telemetry lines through the same per-shard path as the live consumer ({@link ShardIngest}: decode, reject,
 * duplicates, late records, windows, rules), as if all devices were on one shard.
 *
 * <p><b>Processing time, as live.</b> A file is a recording in arrival order. A line arrives at its explicit arrival
 * time when it is a wrapper line {@code {"arrivalMs": <epoch ms>, "payload": {...record...}}} (the payload's bytes
 * go to the decoder unchanged); a plain line arrives at the greatest {@code ts} of the earlier lines that were
 * accepted (their decoded ts; a rejected line's ts is not trusted, e.g. a FUTURE_TIMESTAMP), and a line with no
 * accepted line before it at its own ts (read by a light scan, {@link #scanTs}). The decoder's clock is the
 * line's arrival, so FUTURE_TIMESTAMP and lateness behave as in the live consumer fed the same arrivals. The processing clock is the greatest arrival so
 * far; DEVICE_OFFLINE and DATA_QUALITY are checked on it every second of it, as the live consumer checks on every
 * poll. So in a plain file a device is offline when other devices' records move the clock 30 s past its last
 * arrival. A line whose first key is {@code arrivalMs} or {@code payload} is a wrapper; one that is not a
 * well-formed wrapper (no integer {@code arrivalMs}, no object {@code payload}, another key, anything after it) is
 * counted and reported in the summary, not decoded. A wrapper's payload that is not a valid record is decoded and
 * rejected, as on the stream.
 *
 * <p><b>Threading contract.</b> Single thread.
 */
public final class Replay {
    /**
     * Transitions are emitted every this many records, like a full KCL batch (10,000 is KCL's default maxRecords per
     * poll). A replay builds no durable effects: no device states, no recovery journal.
     */
    static final int BATCH_RECORDS = 10_000;
    private static final long TICK_EVERY_MILLIS = 1_000;
    private static final byte[] ARRIVAL_KEY = "\"arrivalMs\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD_KEY = "\"payload\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final ReplayClock clock = new ReplayClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ShardIngest ingest;
    private final Consumer<AlertTransition> out;
    private final Map<AlertType, Long> raisedByType = new EnumMap<>(AlertType.class);
    private long clockMillis = Long.MIN_VALUE; // greatest arrival so far (processing clock)
    private long greatestAcceptedTsMillis = Long.MIN_VALUE; // plain lines arrive here
    private long lastTickMillis = Long.MIN_VALUE;
    private long lines;
    private long wrappedLines;
    private long badWrappers;
    private long transitions;
    // the wrapper line being read: its arrival and its payload's bytes (offset, length)
    private long wrapperArrivalMillis;
    private int payloadOffset;
    private int payloadLength;

    public Replay(SettingsSource settings, Consumer<AlertTransition> out) {
        this.ingest = new ShardIngest("replay", clock, new ConsumerMeters(registry), settings, ShardIngest.JOURNAL_OFF);
        this.out = out;
    }

    /** One line (without its newline) of the file: a telemetry record, or a wrapper with its arrival time. */
    public void line(byte[] buffer, int offset, int length) {
        int recordOffset = offset;
        int recordLength = length;
        long arrivalMillis = Long.MIN_VALUE;
        if (isWrapper(buffer, offset, length)) {
            if (!readWrapper(buffer, offset, length)) {
                badWrappers++; // not telemetry: reported in the summary, never decoded
                return;
            }
            wrappedLines++;
            recordOffset = payloadOffset;
            recordLength = payloadLength;
            arrivalMillis = wrapperArrivalMillis;
        }
        if (arrivalMillis == Long.MIN_VALUE) { // only lines before any accepted one need a scan of their own ts
            arrivalMillis = greatestAcceptedTsMillis != Long.MIN_VALUE ? greatestAcceptedTsMillis
                    : scanTs(buffer, recordOffset, recordLength);
        }
        arrivalMillis = Math.max(arrivalMillis, 0); // no ts could be read before any accepted line
        if (arrivalMillis > clockMillis) {
            clockMillis = arrivalMillis;
        }
        // (lastTickMillis starts at MIN_VALUE: a plain difference would overflow and never tick)
        if (lastTickMillis == Long.MIN_VALUE || clockMillis - lastTickMillis >= TICK_EVERY_MILLIS) {
            lastTickMillis = clockMillis;
            ingest.onTick(clockMillis);
        }
        clock.set(arrivalMillis); // the decoder's "now" for FUTURE_TIMESTAMP
        boolean accepted = ingest.accept(ByteBuffer.wrap(buffer, recordOffset, recordLength), "replay", lines++,
                arrivalMillis);
        if (accepted && ingest.lastAcceptedTsMillis() > greatestAcceptedTsMillis) {
            greatestAcceptedTsMillis = ingest.lastAcceptedTsMillis();
        }
        if (lines % BATCH_RECORDS == 0) {
            drain();
        }
    }

    /** True when the line's first key is {@code "arrivalMs"} or {@code "payload"}: a wrapper line. */
    static boolean isWrapper(byte[] b, int offset, int length) {
        int end = offset + length;
        int i = skipSpace(b, offset, end);
        if (i >= end || b[i] != '{') {
            return false;
        }
        i = skipSpace(b, i + 1, end);
        return startsWith(b, i, end, ARRIVAL_KEY) || startsWith(b, i, end, PAYLOAD_KEY);
    }

    private static int skipSpace(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }

    private static boolean startsWith(byte[] b, int i, int end, byte[] prefix) {
        if (end - i < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (b[i + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a wrapper line: an object with exactly the keys {@code "arrivalMs"} (a JSON integer, epoch ms, up to 18
     * digits) and {@code "payload"} (an object), once each, in either order; sets the arrival and the payload's byte
     * range. The payload is delimited structurally (its braces and brackets outside strings), not parsed: whatever
     * it holds goes to the decoder as is, so an invalid record is rejected as it would be on the stream. False when
     * the line is not such a wrapper. A byte scan, not a JSON parser: the decoder parses the payload once.
     */
    private boolean readWrapper(byte[] b, int offset, int length) {
        int end = offset + length;
        int i = skipSpace(b, offset, end) + 1; // isWrapper saw the '{'
        boolean arrival = false;
        int start = -1;
        int stop = -1;
        while (true) {
            i = skipSpace(b, i, end);
            if (startsWith(b, i, end, ARRIVAL_KEY) && !arrival) {
                i = afterColon(b, i + ARRIVAL_KEY.length, end);
                long v = 0;
                int digits = 0;
                while (i >= 0 && i < end && b[i] >= '0' && b[i] <= '9') {
                    v = v * 10 + (b[i++] - '0');
                    if (++digits > 18) {
                        return false;
                    }
                }
                if (digits == 0 || (i < end && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'))) {
                    return false;
                }
                arrival = true;
                wrapperArrivalMillis = v;
            } else if (startsWith(b, i, end, PAYLOAD_KEY) && start < 0) {
                i = afterColon(b, i + PAYLOAD_KEY.length, end);
                if (i < 0 || i >= end || b[i] != '{') {
                    return false;
                }
                start = i;
                i = objectEnd(b, i, end);
                if (i < 0) {
                    return false;
                }
                stop = i;
            } else {
                return false;
            }
            i = skipSpace(b, i, end);
            if (i < end && b[i] == ',') {
                i++;
            } else if (i < end && b[i] == '}') {
                break;
            } else {
                return false;
            }
        }
        if (skipSpace(b, i + 1, end) != end || !arrival || start < 0) {
            return false;
        }
        payloadOffset = start;
        payloadLength = stop - start;
        return true;
    }

    /** The index after the ':' that follows a key (whitespace around it skipped), or -1. */
    private static int afterColon(byte[] b, int i, int end) {
        i = skipSpace(b, i, end);
        return i < end && b[i] == ':' ? skipSpace(b, i + 1, end) : -1;
    }

    /** The index just past the object opening at {@code b[i]}: braces and brackets outside strings; -1: unclosed. */
    static int objectEnd(byte[] b, int i, int end) {
        int depth = 0;
        boolean inString = false;
        for (; i < end; i++) {
            byte c = b[i];
            if (inString) {
                if (c == '\\') {
                    i++; // the escaped byte, a quote included
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Ends the replay: a last check of the processing-time rules at {@code nowMillis} (or the clock) and a drain. */
    public void finish(Long nowMillis) {
        if (nowMillis != null && nowMillis > clockMillis) {
            clockMillis = nowMillis;
            clock.set(nowMillis);
        }
        if (clockMillis != Long.MIN_VALUE) {
            ingest.onTick(clockMillis);
        }
        drain();
    }

    private void drain() {
        for (AlertTransition t : ingest.drainTransitionsOnly()) { // no states, no journal: nothing durable offline
            transitions++;
            if (t.change() == Change.RAISED) {
                raisedByType.merge(t.type(), 1L, Long::sum);
            }
            out.accept(t);
        }
    }

    /** The value of the first top-level-looking {@code "ts":} integer, or MIN_VALUE; the decoder decides validity. */
    public static long scanTs(byte[] b, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i + 5 < end; i++) {
            if (b[i] == '"' && b[i + 1] == 't' && b[i + 2] == 's' && b[i + 3] == '"') {
                int j = i + 4;
                while (j < end && (b[j] == ' ' || b[j] == ':')) {
                    j++;
                }
                long v = 0;
                int digits = 0;
                while (j < end && b[j] >= '0' && b[j] <= '9' && digits < 18) {
                    v = v * 10 + (b[j++] - '0');
                    digits++;
                }
                return digits == 0 ? Long.MIN_VALUE : v;
            }
        }
        return Long.MIN_VALUE;
    }

    /** Lines handed to the decoder (plain and wrapped); unreadable wrappers are not among them. */
    public long lines() {
        return lines;
    }

    /** Wrapper lines with an explicit arrival time. */
    public long wrappedLines() {
        return wrappedLines;
    }

    /** Lines that began like a wrapper but were not one; not decoded. */
    public long badWrappers() {
        return badWrappers;
    }

    public long transitions() {
        return transitions;
    }

    public int deviceCount() {
        return ingest.deviceCount();
    }

    /** The devices seen, for the alarm burden report (docs/alarm-burden.md). */
    public java.util.List<vigil.burden.DeviceInScope> devicesInScope() {
        return ingest.devicesInScope();
    }

    /** Summary on the meters the live consumer keeps: records, accepted, rejected by reason, duplicates, late. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append("records ").append(count("vigil.records.in"))
                .append(", accepted ").append(count("vigil.records.accepted"))
                .append(" (late ").append(count("vigil.records.late")).append(')')
                .append(", duplicates ").append(count("vigil.records.duplicate"))
                .append(", processing errors ").append(count("vigil.records.processing.errors"))
                .append(", devices ").append(deviceCount()).append('\n');
        s.append("arrival times: ").append(wrappedLines).append(" lines with arrivalMs, ")
                .append(lines - wrappedLines).append(" at the greatest accepted ts before them");
        if (badWrappers > 0) {
            s.append("; ").append(badWrappers).append(" unreadable wrapper lines skipped (not decoded)");
        }
        s.append('\n');
        s.append("rejected:");
        long rejected = 0;
        for (RejectReason reason : RejectReason.values()) {
            Counter c = registry.find("vigil.records.rejected").tag("reason", reason.name()).counter();
            long n = c == null ? 0 : (long) c.count();
            rejected += n;
            if (n > 0) {
                s.append(' ').append(reason.name()).append('=').append(n);
            }
        }
        s.append(" (total ").append(rejected).append(")\n");
        s.append("alerts raised:");
        raisedByType.forEach((type, n) -> s.append(' ').append(type.name()).append('=').append(n));
        s.append(" (transitions ").append(transitions).append(")\n");
        return s.toString();
    }

    long rejectedCount(RejectReason reason) {
        Counter c = registry.find("vigil.records.rejected").tag("reason", reason.name()).counter();
        return c == null ? 0 : (long) c.count();
    }

    long count(String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : (long) c.count();
    }
}
