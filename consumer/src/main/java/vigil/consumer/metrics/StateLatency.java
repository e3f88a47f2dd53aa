package vigil.consumer.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * End-to-end latency to durable state, in milliseconds, HdrHistogram-backed (STYLE.md §5): one
 * {@link SingleWriterRecorder} per shard and kind, written only by that shard's processor; readers (the metrics
 * scrape, the bench) take interval histograms and fold them into a cumulative histogram and a recent window.
 *
 * <p>Two kinds: {@link Kind#DEVICE} measures from the device's {@code ts} of the newest record of a device state
 * item to the moment that item is durable (one sample per state write); {@link Kind#ARRIVAL} measures from the
 * Kinesis arrival of the oldest record a state write is the first write of (its worst record) to the moment the
 * write is durable (one sample per state write).
 *
 * <p><b>Threading contract.</b> {@link ShardRecorders#record} is single-writer per shard (the KCL processor of that
 * shard, serial calls on any thread). {@link #cumulative}, {@link #recent} and {@link #valueAtPercentile} may be
 * called from any thread; they synchronise among themselves.
 */
public final class StateLatency {
    /** Largest value tracked: 1 hour. Larger samples are clamped (and show as 1 h). */
    static final long MAX_MILLIS = 3_600_000L;
    private static final int DIGITS = 3;
    /** The recent window that percentile gauges report on rotates after this long. */
    static final long WINDOW_MILLIS = 60_000L;

    /** What the latency is measured from. */
    public enum Kind {
        DEVICE,
        ARRIVAL
    }

    private final Map<String, ShardRecorders> shards = new ConcurrentHashMap<>();
    private final LongSupplier nowMillis;
    private final Histogram[] cumulative = new Histogram[Kind.values().length];
    private final Histogram[] current = new Histogram[Kind.values().length];
    private final Histogram[] previous = new Histogram[Kind.values().length];
    private long windowStartMillis;

    public StateLatency(LongSupplier nowMillis) {
        this.nowMillis = nowMillis;
        for (int i = 0; i < cumulative.length; i++) {
            cumulative[i] = newHistogram();
            current[i] = newHistogram();
            previous[i] = newHistogram();
        }
        windowStartMillis = nowMillis.getAsLong();
    }

    static Histogram newHistogram() {
        return new Histogram(1, MAX_MILLIS, DIGITS);
    }

    /** The recorders of one shard; created on first use and kept when the shard's lease moves back and forth. */
    public ShardRecorders shard(String shardId) {
        return shards.computeIfAbsent(shardId, id -> new ShardRecorders());
    }

    /** A copy of everything recorded since start. */
    public synchronized Histogram cumulative(Kind kind) {
        collect();
        return cumulative[kind.ordinal()].copy();
    }

    /** A copy of the recent window: the previous full window plus the current one (60 to 120 s of samples). */
    public synchronized Histogram recent(Kind kind) {
        collect();
        Histogram h = previous[kind.ordinal()].copy();
        h.add(current[kind.ordinal()]);
        return h;
    }

    /** The value at {@code percentile} (0..100) over the recent window, in ms; 0 when nothing was recorded. */
    public synchronized double valueAtPercentile(Kind kind, double percentile) {
        Histogram h = recent(kind);
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile);
    }

    private void collect() {
        long now = nowMillis.getAsLong();
        boolean rotate = now - windowStartMillis >= WINDOW_MILLIS;
        for (Kind kind : Kind.values()) {
            int k = kind.ordinal();
            if (rotate) {
                Histogram swap = previous[k];
                previous[k] = current[k];
                swap.reset();
                current[k] = swap;
            }
            for (ShardRecorders s : shards.values()) {
                s.interval[k] = s.recorders[k].getIntervalHistogram(s.interval[k]);
                cumulative[k].add(s.interval[k]);
                current[k].add(s.interval[k]);
            }
        }
        if (rotate) {
            windowStartMillis = now;
        }
    }

    /** One shard's recorders. Single writer: the shard's processor. */
    public static final class ShardRecorders {
        private final SingleWriterRecorder[] recorders = new SingleWriterRecorder[Kind.values().length];
        private final Histogram[] interval = new Histogram[Kind.values().length]; // recycled by the reader

        ShardRecorders() {
            for (int i = 0; i < recorders.length; i++) {
                recorders[i] = new SingleWriterRecorder(1, MAX_MILLIS, DIGITS);
            }
        }

        /** Records one latency sample; negative values (clock skew) count as 0 ms, values above 1 h as 1 h. */
        public void record(Kind kind, long millis) {
            recorders[kind.ordinal()].recordValue(Math.max(0, Math.min(MAX_MILLIS, millis)));
        }
    }
}
