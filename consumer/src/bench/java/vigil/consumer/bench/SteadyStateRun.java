package vigil.consumer.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import vigil.consumer.ingest.ShardIngest;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.rules.SettingsSource;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.TelemetryDecoder;
import vigil.consumer.replay.Replay;
import vigil.consumer.replay.ReplayClock;

/**
 * Decode + engine over a file's lines in steady state: the lines before {@code measureFrom} fill the windows
 * (priming, not timed), the rest are timed. Ours is the live per-shard path ({@link ShardIngest#accept}: decode,
 * quarantine, duplicates, late, ledger, windows, all rules, lifecycle, meters) with a tick every second of the
 * processing clock and the alert transitions drained every 10,000 lines, as a KCL batch would; no durable device
 * snapshot is built (that is the state writer's cost, measured apart). The baseline is {@link RescanBaseline} over
 * the same lines with the same clock.
 *
 * <p>The processing clock ({@link #clocks}) follows the lines' {@code ts}: the greatest seen so far, except that a ts
 * more than 300 s ahead of the clock does not move it (that record is the future-timestamp case the decoder rejects;
 * letting it move the clock would put every device an hour behind).
 */
final class SteadyStateRun {
    private static final int DRAIN_EVERY = 10_000;
    private static final long TICK_EVERY_MILLIS = 1_000;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory
            .getThreadMXBean();

    private SteadyStateRun() {}

    /** The processing clock at each line, computed once so that both implementations see the same clock. */
    static long[] clocks(BenchData data) {
        long[] clocks = new long[data.lines];
        long clock = Long.MIN_VALUE;
        for (int i = 0; i < data.lines; i++) {
            long ts = Replay.scanTs(data.bytes, data.offsets[i], data.offsets[i + 1] - data.offsets[i] - 1);
            if (ts != Long.MIN_VALUE && (clock == Long.MIN_VALUE
                    || (ts > clock && ts <= clock + TelemetryDecoder.MAX_FUTURE_SKEW_MILLIS))) {
                clock = ts;
            }
            clocks[i] = Math.max(clock, 0);
        }
        return clocks;
    }

    /** The first line at which the clock reached the first line's clock + {@code primeMillis}. */
    static int firstLineAfter(long[] clocks, long primeMillis) {
        for (int i = 0; i < clocks.length; i++) {
            if (clocks[i] >= clocks[0] + primeMillis) {
                return i;
            }
        }
        return clocks.length;
    }

    /** Records/s of ours over lines [measureFrom, end); the lines before it prime the windows. */
    static Result ours(BenchData data, long[] clocks, int measureFrom) {
        ReplayClock clock = new ReplayClock();
        ShardIngest ingest = new ShardIngest("bench", clock, new ConsumerMeters(new SimpleMeterRegistry()),
                SettingsSource.NONE);
        long lastTick = Long.MIN_VALUE;
        long transitions = 0;
        Chunks chunks = new Chunks(data.lines - measureFrom);
        long measuredStart = System.nanoTime();
        long measuredCpu = CPU.getCurrentThreadCpuTime();
        for (int i = 0; i < data.lines; i++) {
            if (i == measureFrom) {
                measuredStart = System.nanoTime();
                measuredCpu = CPU.getCurrentThreadCpuTime();
                chunks.start(measuredCpu);
            } else if (i > measureFrom) {
                chunks.line(i - measureFrom);
            }
            long now = clocks[i];
            clock.set(now);
            if (now - lastTick >= TICK_EVERY_MILLIS) {
                lastTick = now;
                ingest.onTick(now);
            }
            int offset = data.offsets[i];
            ingest.accept(ByteBuffer.wrap(data.bytes, offset, data.offsets[i + 1] - offset - 1), "bench", i, now);
            if (i % DRAIN_EVERY == DRAIN_EVERY - 1) {
                transitions += ingest.drainTransitionsOnly().size();
            }
        }
        transitions += ingest.drainTransitionsOnly().size();
        return new Result(data.lines - measureFrom, System.nanoTime() - measuredStart,
                CPU.getCurrentThreadCpuTime() - measuredCpu, transitions, chunks.best(), chunks.median());
    }

    /**
     * The baseline, primed without its rule rescans ({@link RescanBaseline#prime}), then timed over at most
     * {@code timedLines} lines from {@code measureFrom} (its rate is flat once the windows are full).
     */
    static Result baseline(BenchData data, long[] clocks, int measureFrom, int timedLines) {
        RescanBaseline baseline = new RescanBaseline();
        for (int i = 0; i < measureFrom; i++) {
            int offset = data.offsets[i];
            baseline.prime(data.bytes, offset, data.offsets[i + 1] - offset - 1, clocks[i]);
        }
        int end = (int) Math.min(data.lines, (long) measureFrom + timedLines);
        long cpu = CPU.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        Chunks chunks = new Chunks(end - measureFrom);
        chunks.start(cpu);
        for (int i = measureFrom; i < end; i++) {
            if (i > measureFrom) {
                chunks.line(i - measureFrom);
            }
            int offset = data.offsets[i];
            baseline.line(data.bytes, offset, data.offsets[i + 1] - offset - 1, clocks[i]);
        }
        long nanos = System.nanoTime() - start;
        return new Result(end - measureFrom, nanos, CPU.getCurrentThreadCpuTime() - cpu, baseline.raised,
                chunks.best(), chunks.median());
    }

    static Result decodeOnly(BenchData data, long[] clocks, int measureFrom) {
        TelemetryDecoder decoder = new TelemetryDecoder();
        long decoded = 0;
        for (int i = 0; i < measureFrom; i++) { // untimed, as the others' priming: warms the JIT up
            int offset = data.offsets[i];
            decoded += decoder.decode(data.bytes, offset, data.offsets[i + 1] - offset - 1, clocks[i])
                    instanceof DecodeResult.Decoded ? 1 : 0;
        }
        long cpu = CPU.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        Chunks chunks = new Chunks(data.lines - measureFrom);
        chunks.start(cpu);
        for (int i = measureFrom; i < data.lines; i++) {
            if (i > measureFrom) {
                chunks.line(i - measureFrom);
            }
            int offset = data.offsets[i];
            if (decoder.decode(data.bytes, offset, data.offsets[i + 1] - offset - 1, clocks[i])
                    instanceof DecodeResult.Decoded) {
                decoded++;
            }
        }
        return new Result(data.lines - measureFrom, System.nanoTime() - start, CPU.getCurrentThreadCpuTime() - cpu,
                decoded, chunks.best(), chunks.median());
    }

    /**
     * A timed pass over the steady part: lines, wall time, this thread's CPU time (robust to other processes on a
     * shared machine: time spent waiting for a core is not counted), a count (transitions/raises/decoded), and the
     * records per CPU-second of the fastest and the median chunk of {@link Chunks#LINES} lines.
     */
    record Result(long lines, long wallNanos, long cpuNanos, long count, double bestChunkPerCpuSecond,
            double medianChunkPerCpuSecond) {
        double perSecond() {
            return lines / (wallNanos / 1e9);
        }

        double perCpuSecond() {
            return lines / (cpuNanos / 1e9);
        }
    }

    /**
     * CPU time per chunk of the timed lines. On a machine shared with other builds even the thread's CPU time
     * varies with the neighbours (shared caches; a virtual CPU descheduled by its host still counts as running),
     * so besides the whole pass the fastest chunk is reported: the rate the code reaches when left alone.
     */
    static final class Chunks {
        static final int LINES = 20_000;
        private final long[] cpuNanos;
        private int n;
        private long chunkStartCpu;

        Chunks(long lines) {
            cpuNanos = new long[(int) Math.max(1, lines / LINES)];
        }

        void start(long cpuNow) {
            chunkStartCpu = cpuNow;
        }

        /** Called with the index (from the start of the timed part) of every line but the first. */
        void line(int index) {
            if (index % LINES == 0 && n < cpuNanos.length) {
                long now = CPU.getCurrentThreadCpuTime();
                cpuNanos[n++] = now - chunkStartCpu;
                chunkStartCpu = now;
            }
        }

        double best() {
            long min = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, cpuNanos[i]);
            }
            return n == 0 ? Double.NaN : LINES / (min / 1e9);
        }

        double median() {
            if (n == 0) {
                return Double.NaN;
            }
            long[] sorted = java.util.Arrays.copyOf(cpuNanos, n);
            java.util.Arrays.sort(sorted);
            return LINES / (sorted[n / 2] / 1e9);
        }
    }
}
