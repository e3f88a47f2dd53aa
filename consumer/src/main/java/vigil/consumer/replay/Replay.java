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
 * <p><b>Processing time.</b> The replay has no Kinesis arrival times; it uses the file's own timing: the processing
 * clock is the greatest {@code ts} read so far, including the line being read (read by a light scan before
 * decoding), and each record "arrives" at that clock. DEVICE_OFFLINE and DATA_QUALITY are checked on that clock
 * every second of it, as the live consumer checks on every poll. So a device is offline in a replay when other
 * devices' records move the clock 30 s past its last record.
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

    private final ReplayClock clock = new ReplayClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ShardIngest ingest;
    private final Consumer<AlertTransition> out;
    private final Map<AlertType, Long> raisedByType = new EnumMap<>(AlertType.class);
    private long clockMillis = Long.MIN_VALUE;
    private long lastTickMillis = Long.MIN_VALUE;
    private long lines;
    private long transitions;

    public Replay(SettingsSource settings, Consumer<AlertTransition> out) {
        this.ingest = new ShardIngest("replay", clock, new ConsumerMeters(registry), settings, ShardIngest.JOURNAL_OFF);
        this.out = out;
    }

    /** One line (without its newline) of the file. */
    public void line(byte[] buffer, int offset, int length) {
        long ts = scanTs(buffer, offset, length);
        if (ts > clockMillis) {
            clockMillis = ts;
            clock.set(ts);
        }
        if (clockMillis != Long.MIN_VALUE && clockMillis - lastTickMillis >= TICK_EVERY_MILLIS) {
            lastTickMillis = clockMillis;
            ingest.onTick(clockMillis);
        }
        ingest.accept(ByteBuffer.wrap(buffer, offset, length), "replay", lines++, Math.max(clockMillis, 0));
        if (lines % BATCH_RECORDS == 0) {
            drain();
        }
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

    public long lines() {
        return lines;
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

    long count(String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : (long) c.count();
    }
}
