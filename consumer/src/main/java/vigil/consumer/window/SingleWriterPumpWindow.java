package vigil.consumer.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpState;

/**
 * Rolling windows of one infusion pump for the rules of alerts-v1.md: running pairs for FLOW_ACCURACY_DRIFT
 * (10 min), settled stopped/paused pressure for PRESSURE_SENSOR_OFFSET (2 min), running samples of the newest
 * infusion for INFUSION_NEAR_END (5 min), and the battery slope for BATTERY_DEPLETION (10 min). Units: event-time
 * epoch millis, mL, mL/h, mmHg, %.
 *
 * <p>v1.1 per-sample state: how long into its stopped/paused run the sample is (PRESSURE_SENSOR_OFFSET counts a
 * sample only {@code settleMillis} into its run), and the sample's arrival skew, Kinesis arrival minus ts
 * (FLOW_ACCURACY_DRIFT leaves out a running pair whose ts gap and arrival gap differ by more than
 * {@code clockJumpMillis}: the difference of the two samples' skews). Both go into the recovery journal.
 *
 * <p><b>Threading contract.</b> As {@link SingleWriterEventRing}: one logical writer, not thread-safe, never
 * published. {@link #offer} allocates nothing except when the ring grows (a power of two, at most a few times per
 * device) or a new infusionId is seen.
 */
public final class SingleWriterPumpWindow extends SingleWriterEventRing {
    /** alerts-v1.md FLOW_ACCURACY_DRIFT window. */
    public static final long FLOW_WINDOW_MILLIS = 600_000;
    /** alerts-v1.md PRESSURE_SENSOR_OFFSET window. */
    public static final long PRESSURE_WINDOW_MILLIS = 120_000;
    /** alerts-v1.md INFUSION_NEAR_END window. */
    public static final long NEAR_END_WINDOW_MILLIS = 300_000;
    /** alerts-v1.md BATTERY_DEPLETION window. */
    public static final long BATTERY_WINDOW_MILLIS = 600_000;
    /** alerts-v1.md v1.1 PRESSURE_SENSOR_OFFSET {@code settleSec} default: 10 s into a stopped/paused run. */
    public static final long DEFAULT_SETTLE_MILLIS = 10_000;
    /** alerts-v1.md v1.1 FLOW_ACCURACY_DRIFT {@code clockJumpSec} default: ts gap vs arrival gap within 30 s. */
    public static final long DEFAULT_CLOCK_JUMP_MILLIS = 30_000;

    private static final int STATE_BITS = 0x3; // PumpState ordinal
    private static final int ON_MAINS_BIT = 0x4;
    private static final int CODE_SHIFT = 3; // infusion code 0..7 in bits 3..5; 0 = no infusionId
    private static final int CODES = 8;
    private static final int RUNNING = PumpState.RUNNING.ordinal();
    private static final int STOPPED = PumpState.STOPPED.ordinal();
    private static final int PAUSED = PumpState.PAUSED.ordinal();

    // Hot: columns, same index as tsOffsetMillis.
    private byte[] flags = new byte[INITIAL_CAPACITY];
    private float[] rateMlPerHr = new float[INITIAL_CAPACITY];
    private double[] infusedMl = new double[INITIAL_CAPACITY]; // double: delivered volume is a difference
    private float[] pressureMmHg = new float[INITIAL_CAPACITY];
    private float[] batteryPct = new float[INITIAL_CAPACITY];
    // v1.1 columns. intoRunMillis: ts minus the ts of the first sample of the stopped/paused run the sample belongs
    // to (0 for running/kvo samples and a run's first), saturated at Integer.MAX_VALUE (~24 days: settled anyway);
    // relative, so a run that began before the oldest retained sample keeps its start.
    private int[] intoRunMillis = new int[INITIAL_CAPACITY];
    // arrival minus ts, ms, saturated to the int range (a device clock 24 days off saturates; two such samples then
    // look alike, which only matters for a clock that stays that far off: its pairs are compared as usual).
    private int[] arrivalSkewMillis = new int[INITIAL_CAPACITY];
    private long settleMillis = DEFAULT_SETTLE_MILLIS;
    private long clockJumpMillis = DEFAULT_CLOCK_JUMP_MILLIS;

    // Warm: infusionId <-> small code, so a sample stores 3 bits instead of a reference.
    private String[] infusionIds; // index = code; [0] unused (absent); lazily allocated
    private long[] codeLastSeq; // newest seq that used each code, to recycle codes no longer retained
    private int newestCode = -1; // code of the newest sample; -1: empty

    private final FlowTrack flow = new FlowTrack();
    private final MeanTrack pressure = new MeanTrack();
    private final Track nearEnd = new Track(NEAR_END_WINDOW_MILLIS) {
        @Override
        boolean matches(long seq) {
            int f = flags[slot(seq)];
            return (f & STATE_BITS) == RUNNING && code(f) == newestCode;
        }

        @Override
        void accumulate(long seq, int sign) {}

        @Override
        void clearSums() {}
    };
    private final SlopeTrack battery = new SlopeTrack(BATTERY_WINDOW_MILLIS) {
        @Override
        boolean matches(long seq) {
            return (flags[slot(seq)] & ON_MAINS_BIT) == 0;
        }

        @Override
        double value(long seq) {
            return batteryPct[slot(seq)];
        }
    };

    public SingleWriterPumpWindow() {
        super(4);
        register(0, flow);
        register(1, pressure);
        register(2, nearEnd);
        register(3, battery);
    }

    /**
     * Applies one accepted, non-late record (ts at most 120 s older than now, telemetry-v1). Records are placed in
     * event-time order; equal ts keep arrival order.
     *
     * @param arrivalMillis Kinesis arrival time of the record (processing time), epoch millis
     */
    public void offer(long tsMillis, long arrivalMillis, PumpMetrics m) {
        offer(tsMillis, skew(arrivalMillis - tsMillis), m, 0);
    }

    /**
     * @param intoRunHintMillis restore only: the journaled time into the sample's stopped/paused run, used when the
     *     sample has no predecessor in the ring (its run may have begun before the oldest restored sample); 0: none
     */
    private void offer(long tsMillis, int skewMillis, PumpMetrics m, int intoRunHintMillis) {
        long seq = place(tsMillis);
        int s = slot(seq);
        int code = codeOf(m.infusionId(), seq);
        flags[s] = (byte) (m.state().ordinal() | (m.onMains() ? ON_MAINS_BIT : 0) | code << CODE_SHIFT);
        rateMlPerHr[s] = (float) m.rateMlPerHr();
        infusedMl[s] = m.infusedMl();
        pressureMmHg[s] = (float) m.pressureMmHg();
        batteryPct[s] = (float) m.batteryPct();
        arrivalSkewMillis[s] = skewMillis;
        intoRunMillis[s] = intoRunOf(seq);
        if (seq == headSeq && isStoppedOrPaused(flags[s]) && intoRunHintMillis > intoRunMillis[s]) {
            intoRunMillis[s] = intoRunHintMillis;
        }
        boolean laterRunsChanged = seq < tailSeq - 1 && updateRunStartsAfter(seq);
        boolean newInfusion = seq == tailSeq - 1 && code != newestCode;
        if (seq == tailSeq - 1) {
            newestCode = code;
        }
        admitted(seq);
        if (newInfusion) { // the pairs and samples that match are those of the newest infusionId
            flow.rebuild();
            nearEnd.rebuild();
        }
        if (laterRunsChanged) { // an out-of-order sample joined, split or started a run: settledness moved
            pressure.rebuild();
        }
    }

    /** Sets PRESSURE_SENSOR_OFFSET's {@code settleSec} (a threshold a device's settings may override), in ms. */
    public void setSettleMillis(long newSettleMillis) {
        if (newSettleMillis != settleMillis) {
            settleMillis = newSettleMillis;
            pressure.rebuild();
        }
    }

    /** Sets FLOW_ACCURACY_DRIFT's {@code clockJumpSec} (a threshold a device's settings may override), in ms. */
    public void setClockJumpMillis(long newClockJumpMillis) {
        if (newClockJumpMillis != clockJumpMillis) {
            clockJumpMillis = newClockJumpMillis;
            flow.rebuild();
        }
    }

    private static int skew(long skewMillis) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, skewMillis));
    }

    private static boolean isStoppedOrPaused(int flagBits) {
        int state = flagBits & STATE_BITS;
        return state == STOPPED || state == PAUSED;
    }

    /** Time into its stopped/paused run of the sample at {@code seq}, from its predecessor in ts order. */
    private int intoRunOf(long seq) {
        if (seq > headSeq && isStoppedOrPaused(flags[slot(seq)]) && isStoppedOrPaused(flags[slot(seq - 1)])) {
            long into = (long) intoRunMillis[slot(seq - 1)] + (ts(seq) - ts(seq - 1));
            return (int) Math.min(Integer.MAX_VALUE, into);
        }
        return 0;
    }

    /** After an insert at {@code seq}: recomputes the run starts after it; true when one changed. */
    private boolean updateRunStartsAfter(long seq) {
        boolean changed = false;
        for (long k = seq + 1; k < tailSeq; k++) {
            int into = intoRunOf(k);
            if (into == intoRunMillis[slot(k)]) {
                break; // from here on every run start is as before
            }
            intoRunMillis[slot(k)] = into;
            changed = true;
        }
        return changed;
    }

    /**
     * Writes a recovery journal chunk of this window (docs/storage.md, "Recovery journal"): every retained sample
     * ({@code all}, a base chunk) or those offered since the last chunk, oldest first, in one pass. Layout: fromTs
     * (long; {@code Long.MIN_VALUE} for a base), count (varint), the infusionIds the samples use (count byte, then
     * code byte + UTF each), then per sample: ts delta from the previous sample (varint; the first from fromTs's
     * first sample, absolute long), flags byte, rate float, infused double, pressure float, battery float, and
     * (v1.1) ts minus the start of its stopped/paused run (varint, 0 outside a run) and its arrival skew (zigzag
     * varint, arrival minus ts): 24 to 26 bytes a sample at 1 record/s. Clears the unjournaled mark. Writer only;
     * allocates nothing.
     */
    public void writeJournal(DataOutput out, boolean all) throws IOException {
        long fromTsMillis = journalFrom(all);
        long first = all ? headSeq : firstSeqFrom(fromTsMillis);
        out.writeLong(fromTsMillis);
        Varints.write(out, tailSeq - first);
        int usedCodes = 0; // bit per code
        for (long s = first; s < tailSeq; s++) {
            usedCodes |= 1 << code(flags[slot(s)]);
        }
        usedCodes &= ~1; // code 0: no infusionId
        out.writeByte(Integer.bitCount(usedCodes));
        for (int c = 1; c < CODES; c++) {
            if ((usedCodes & (1 << c)) != 0) {
                out.writeByte(c);
                out.writeUTF(infusionIds[c]);
            }
        }
        long previousTs = 0;
        for (long s = first; s < tailSeq; s++) {
            int i = slot(s);
            long tsMillis = ts(s);
            if (s == first) {
                out.writeLong(tsMillis);
            } else {
                Varints.write(out, tsMillis - previousTs); // sorted: never negative
            }
            previousTs = tsMillis;
            out.writeByte(flags[i]);
            out.writeFloat(rateMlPerHr[i]);
            out.writeDouble(infusedMl[i]);
            out.writeFloat(pressureMmHg[i]);
            out.writeFloat(batteryPct[i]);
            Varints.write(out, intoRunMillis[i]);
            Varints.writeSigned(out, arrivalSkewMillis[i]);
        }
        markJournaled();
    }

    /**
     * Rebuilds a window from journal chunks (restore only): {@link #apply} each chunk oldest first, then
     * {@link #build}. The window is a function of the offered samples in ts order, so the rebuilt window answers as
     * the journaled one did (running sums are recomputed, so figures may differ in the last bits).
     */
    public static final class Restorer {
        private record Sample(long tsMillis, PumpMetrics metrics, int intoRunMillis, int skewMillis) {}

        private final java.util.ArrayList<Sample> samples = new java.util.ArrayList<>();

        /** Reads one chunk written by {@link #writeJournal}: drops the samples at or after its fromTs, appends. */
        public void apply(DataInput in) throws IOException {
            long fromTsMillis = in.readLong();
            int count = Math.toIntExact(Varints.read(in));
            String[] ids = new String[CODES];
            for (int n = in.readUnsignedByte(); n > 0; n--) {
                int code = in.readUnsignedByte();
                if (code <= 0 || code >= CODES) {
                    throw new IOException("infusion code " + code + " out of range");
                }
                ids[code] = in.readUTF();
            }
            while (!samples.isEmpty() && samples.get(samples.size() - 1).tsMillis() >= fromTsMillis) {
                samples.remove(samples.size() - 1);
            }
            PumpState[] states = PumpState.values();
            long tsMillis = 0;
            for (int k = 0; k < count; k++) {
                tsMillis = k == 0 ? in.readLong() : tsMillis + Varints.read(in);
                int f = in.readByte();
                float rate = in.readFloat();
                double infused = in.readDouble();
                float pressure = in.readFloat();
                float battery = in.readFloat();
                int intoRunMillis = (int) Math.min(Integer.MAX_VALUE, Varints.read(in));
                int skewMillis = (int) Varints.readSigned(in);
                samples.add(new Sample(tsMillis, new PumpMetrics(states[f & STATE_BITS], rate, infused, 0,
                        pressure, battery, (f & ON_MAINS_BIT) != 0, ids[code(f)], null, null), intoRunMillis,
                        skewMillis));
            }
        }

        /** A window holding the samples of the chunks applied. Fields a window does not keep are zero. */
        public SingleWriterPumpWindow build() {
            SingleWriterPumpWindow w = new SingleWriterPumpWindow();
            for (Sample s : samples) {
                w.offer(s.tsMillis(), s.skewMillis(), s.metrics(), s.intoRunMillis());
            }
            w.markJournaled(); // what was restored is in the journal already
            return w;
        }
    }

    private static int code(int flagBits) {
        return (flagBits >>> CODE_SHIFT) & (CODES - 1);
    }

    private int codeOf(String infusionId, long seq) {
        if (infusionId == null) {
            return 0;
        }
        if (infusionIds == null) {
            infusionIds = new String[CODES];
            codeLastSeq = new long[CODES];
        }
        int free = -1;
        long oldest = Long.MAX_VALUE;
        for (int c = 1; c < CODES; c++) {
            if (infusionId.equals(infusionIds[c])) {
                codeLastSeq[c] = Math.max(codeLastSeq[c], seq);
                return c;
            }
            long last = infusionIds[c] == null ? Long.MIN_VALUE : codeLastSeq[c];
            if (last < oldest) {
                oldest = last;
                free = c;
            }
        }
        // Recycles the least recently used code; with 8+ infusions inside 10 min an old one may be shadowed.
        infusionIds[free] = infusionId;
        codeLastSeq[free] = seq;
        return free;
    }

    /** FLOW_ACCURACY_DRIFT: summed programmed volume over the running pairs, mL. */
    public double flowExpectedMl() {
        return flow.expectedMl;
    }

    /** FLOW_ACCURACY_DRIFT: summed infusedMl increments over the running pairs, mL. */
    public double flowDeliveredMl() {
        return flow.deliveredMl;
    }

    /** FLOW_ACCURACY_DRIFT: running time, the sum of ts(i+1) - ts(i) over the running pairs. */
    public long flowSpanMillis() {
        return flow.spanMillis;
    }

    /** PRESSURE_SENSOR_OFFSET: mean pressure of the settled stopped/paused samples, NaN when none. */
    public double pressureMeanMmHg() {
        return pressure.count == 0 ? Double.NaN : pressure.sum / pressure.count;
    }

    public long pressureSpanMillis() {
        return pressure.spanMillis();
    }

    /** INFUSION_NEAR_END: span of the running samples of the newest infusion, or -1 with fewer than two. */
    public long nearEndSpanMillis() {
        return nearEnd.spanMillis();
    }

    /** INFUSION_NEAR_END: infusedMl(newest matching) - infusedMl(oldest matching), mL; NaN when none. */
    public double nearEndInfusedDeltaMl() {
        if (nearEnd.count == 0) {
            return Double.NaN;
        }
        return infusedMl[slot(nearEnd.newestMatchSeq)] - infusedMl[slot(nearEnd.firstMatchSeq)];
    }

    /** BATTERY_DEPLETION: slope of batteryPct over the on-battery samples, %/min; NaN below two samples. */
    public double batterySlopePctPerMinute() {
        return battery.slopePerMinute();
    }

    public long batterySpanMillis() {
        return battery.spanMillis();
    }

    public int batteryCount() {
        return battery.count();
    }

    @Override
    void moveSlot(int from, int to) {
        flags[to] = flags[from];
        rateMlPerHr[to] = rateMlPerHr[from];
        infusedMl[to] = infusedMl[from];
        pressureMmHg[to] = pressureMmHg[from];
        batteryPct[to] = batteryPct[from];
        intoRunMillis[to] = intoRunMillis[from];
        arrivalSkewMillis[to] = arrivalSkewMillis[from];
    }

    @Override
    void resizeColumns(int capacity, long fromSeq, long toSeq) {
        byte[] f = new byte[capacity];
        float[] r = new float[capacity];
        double[] v = new double[capacity];
        float[] p = new float[capacity];
        float[] b = new float[capacity];
        int[] run = new int[capacity];
        int[] skew = new int[capacity];
        int newMask = capacity - 1;
        for (long seq = fromSeq; seq < toSeq; seq++) {
            int from = slot(seq);
            int to = (int) seq & newMask;
            f[to] = flags[from];
            r[to] = rateMlPerHr[from];
            v[to] = infusedMl[from];
            p[to] = pressureMmHg[from];
            b[to] = batteryPct[from];
            run[to] = intoRunMillis[from];
            skew[to] = arrivalSkewMillis[from];
        }
        flags = f;
        rateMlPerHr = r;
        infusedMl = v;
        pressureMmHg = p;
        batteryPct = b;
        intoRunMillis = run;
        arrivalSkewMillis = skew;
    }

    @Override
    public long columnBytes() {
        int capacity = mask + 1;
        return 8 * 16L + capacity * (4L + 1 + 4 + 8 + 4 + 4 + 4 + 4);
    }

    /**
     * Settled stopped/paused samples of the last 2 min with the sum of their pressure (alerts-v1.md v1.1: a sample
     * counts when its run began at least {@code settleMillis} before it; the line pressure is still releasing in the
     * first seconds after a stop).
     */
    private final class MeanTrack extends Track {
        double sum;

        MeanTrack() {
            super(PRESSURE_WINDOW_MILLIS);
        }

        @Override
        boolean matches(long seq) {
            int s = slot(seq);
            return isStoppedOrPaused(flags[s]) && intoRunMillis[s] >= settleMillis;
        }

        @Override
        void accumulate(long seq, int sign) {
            sum += sign * pressureMmHg[slot(seq)];
        }

        @Override
        void clearSums() {
            sum = 0;
        }
    }

    /**
     * Running pairs (alerts-v1.md FLOW_ACCURACY_DRIFT): a pair starts at sample i when i is running and i and i+1
     * both carry the newest infusionId; it is in the window while ts(i) is. An insert between i and i+1 replaces
     * that pair by (i, new) and (new, i+1): only the neighbours change.
     */
    private final class FlowTrack extends Track {
        double expectedMl;
        double deliveredMl;
        long spanMillis;

        FlowTrack() {
            super(FLOW_WINDOW_MILLIS);
        }

        @Override
        boolean matches(long seq) {
            return pairMatches(seq, seq + 1);
        }

        private boolean pairMatches(long i, long next) {
            if (next >= tailSeq) {
                return false;
            }
            int fi = flags[slot(i)];
            if ((fi & STATE_BITS) != RUNNING || code(fi) != newestCode || code(flags[slot(next)]) != newestCode) {
                return false;
            }
            // v1.1 clockJumpSec: |ts gap - arrival gap| = |skew(i) - skew(next)| at most clockJumpMillis.
            int a = arrivalSkewMillis[slot(i)];
            int b = arrivalSkewMillis[slot(next)];
            return Math.abs((long) a - b) <= clockJumpMillis;
        }

        @Override
        void accumulate(long seq, int sign) {
            accumulatePair(seq, seq + 1, sign);
        }

        private void accumulatePair(long i, long next, int sign) {
            long dtMillis = ts(next) - ts(i);
            int si = slot(i);
            expectedMl += sign * (rateMlPerHr[si] * (double) dtMillis / 3_600_000.0);
            deliveredMl += sign * (infusedMl[slot(next)] - infusedMl[si]);
            spanMillis += sign * dtMillis;
        }

        @Override
        void clearSums() {
            expectedMl = 0;
            deliveredMl = 0;
            spanMillis = 0;
        }

        @Override
        void evictFirst() {
            long seq = startSeq++;
            if (pairMatches(seq, seq + 1)) {
                accumulatePair(seq, seq + 1, -1);
                count--;
                removalsSinceRebuild++;
            }
        }

        @Override
        void onAppend(long seq) {
            if (seq - 1 >= startSeq && pairMatches(seq - 1, seq)) {
                accumulatePair(seq - 1, seq, 1);
                count++;
            }
        }

        @Override
        void onInsert(long seq) {
            if (!shiftFrom(seq)) {
                return; // before the window: it neither starts nor ends a pair in the window
            }
            if (seq - 1 >= startSeq) {
                if (pairMatches(seq - 1, seq + 1)) { // the pair the new sample splits
                    accumulatePair(seq - 1, seq + 1, -1);
                    count--;
                }
                onAppend(seq);
            }
            if (pairMatches(seq, seq + 1)) {
                accumulatePair(seq, seq + 1, 1);
                count++;
            }
        }
    }
}
