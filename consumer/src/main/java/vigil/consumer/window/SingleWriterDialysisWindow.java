package vigil.consumer.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisState;

/**
 * Rolling windows of one dialysis machine for the rules of alerts-v1.md: treatment samples of the last 5 min with
 * the sums of the conductivity and temperature divergences (CONDUCTIVITY_SENSOR_DRIFT, TEMPERATURE_SENSOR_DRIFT),
 * and treatment samples since the newest concentrate reset of the last 10 min with the acid slope
 * (CONCENTRATE_LOW). Units: event-time epoch millis, mS/cm, degrees C, mL.
 *
 * <p><b>Threading contract.</b> As {@link SingleWriterEventRing}: one logical writer, not thread-safe, never
 * published. {@link #offer} allocates nothing except when the ring grows.
 */
public final class SingleWriterDialysisWindow extends SingleWriterEventRing {
    /** alerts-v1.md CONDUCTIVITY_SENSOR_DRIFT and TEMPERATURE_SENSOR_DRIFT window. */
    public static final long DIVERGENCE_WINDOW_MILLIS = 300_000;
    /** alerts-v1.md CONCENTRATE_LOW window. */
    public static final long ACID_WINDOW_MILLIS = 600_000;
    /** alerts-v1.md CONCENTRATE_LOW: a rise of acidRemainingMl by more than 500 mL between consecutive records. */
    public static final double ACID_RESET_RISE_ML = 500;

    private static final int TREATMENT = DialysisState.TREATMENT.ordinal();

    // Hot: columns, same index as tsOffsetMillis.
    private byte[] state = new byte[INITIAL_CAPACITY]; // DialysisState ordinal
    private float[] conductivityDivergenceMsCm = new float[INITIAL_CAPACITY]; // |conductivity - reference|
    private float[] temperatureDivergenceC = new float[INITIAL_CAPACITY]; // |dialysateTemp - reference|
    private double[] acidRemainingMl = new double[INITIAL_CAPACITY];

    private long resetSeq = -1; // newest reset sample (it counts, earlier ones do not); -1: none retained
    private boolean resetByLastOffer; // the last offer made a sample a reset sample

    private final DivergenceTrack divergence = new DivergenceTrack();
    private final SlopeTrack acid = new SlopeTrack(ACID_WINDOW_MILLIS) {
        @Override
        boolean matches(long seq) {
            return state[slot(seq)] == TREATMENT && seq >= resetSeq;
        }

        @Override
        double value(long seq) {
            return acidRemainingMl[slot(seq)];
        }
    };

    public SingleWriterDialysisWindow() {
        super(2);
        register(0, divergence);
        register(1, acid);
    }

    /** Applies one accepted, non-late record, placed in event-time order (equal ts: arrival order). */
    public void offer(long tsMillis, DialysisMetrics m) {
        long seq = place(tsMillis);
        int s = slot(seq);
        state[s] = (byte) m.state().ordinal();
        conductivityDivergenceMsCm[s] = (float) Math.abs(m.conductivityMsCm() - m.conductivityRefMsCm());
        temperatureDivergenceC[s] = (float) Math.abs(m.dialysateTempC() - m.dialysateTempRefC());
        acidRemainingMl[s] = m.acidRemainingMl();
        long previousReset = resetSeq;
        if (seq == tailSeq - 1) {
            if (isReset(seq)) {
                resetSeq = seq;
            }
        } else {
            if (previousReset >= seq) {
                previousReset++; // a cursor: the sample it names moved up one slot
                resetSeq = previousReset;
            }
            if (isReset(seq) || isReset(seq + 1) || resetSeq == seq + 1) {
                resetSeq = newestReset(); // the insert may have made or unmade a reset pair
            }
        }
        resetByLastOffer = resetSeq != previousReset && resetSeq >= seq;
        admitted(seq);
        if (resetSeq != previousReset) {
            acid.rebuild();
        }
    }

    /**
     * Writes a recovery journal chunk (see {@link SingleWriterPumpWindow#writeJournal}): fromTs (long), count
     * (varint), then per sample: ts (first absolute long, then varint deltas), state byte, conductivity and
     * temperature divergence floats, acid remaining double. Clears the unjournaled mark. Writer only.
     */
    public void writeJournal(DataOutput out, boolean all) throws IOException {
        long fromTsMillis = journalFrom(all);
        long first = all ? headSeq : firstSeqFrom(fromTsMillis);
        out.writeLong(fromTsMillis);
        Varints.write(out, tailSeq - first);
        long previousTs = 0;
        for (long s = first; s < tailSeq; s++) {
            int i = slot(s);
            long tsMillis = ts(s);
            if (s == first) {
                out.writeLong(tsMillis);
            } else {
                Varints.write(out, tsMillis - previousTs);
            }
            previousTs = tsMillis;
            out.writeByte(state[i]);
            out.writeFloat(conductivityDivergenceMsCm[i]);
            out.writeFloat(temperatureDivergenceC[i]);
            out.writeDouble(acidRemainingMl[i]);
        }
        markJournaled();
    }

    /**
     * Rebuilds a window from journal chunks (restore only), as {@link SingleWriterPumpWindow.Restorer}. The
     * divergences are offered as a value with a zero reference, which gives the same stored divergence.
     */
    public static final class Restorer {
        private record Sample(long tsMillis, DialysisMetrics metrics) {}

        private final java.util.ArrayList<Sample> samples = new java.util.ArrayList<>();

        public void apply(DataInput in) throws IOException {
            long fromTsMillis = in.readLong();
            int count = Math.toIntExact(Varints.read(in));
            while (!samples.isEmpty() && samples.get(samples.size() - 1).tsMillis() >= fromTsMillis) {
                samples.remove(samples.size() - 1);
            }
            DialysisState[] states = DialysisState.values();
            long tsMillis = 0;
            for (int k = 0; k < count; k++) {
                tsMillis = k == 0 ? in.readLong() : tsMillis + Varints.read(in);
                DialysisState st = states[in.readByte()];
                float conductivity = in.readFloat();
                float temperature = in.readFloat();
                double acid = in.readDouble();
                samples.add(new Sample(tsMillis, new DialysisMetrics(st, 0, 0, 0, 0, 0, conductivity, 0,
                        temperature, 0, 0, 0, acid, 0, 0, 0, null, null)));
            }
        }

        public SingleWriterDialysisWindow build() {
            SingleWriterDialysisWindow w = new SingleWriterDialysisWindow();
            for (Sample s : samples) {
                w.offer(s.tsMillis(), s.metrics());
            }
            w.markJournaled();
            return w;
        }
    }

    /** True when {@code seq} is a reset sample: acid rose by more than 500 mL since the sample before it. */
    private boolean isReset(long seq) {
        return seq > headSeq && seq < tailSeq
                && acidRemainingMl[slot(seq)] - acidRemainingMl[slot(seq - 1)] > ACID_RESET_RISE_ML;
    }

    private long newestReset() {
        for (long s = tailSeq - 1; s > headSeq; s--) {
            if (isReset(s)) {
                return s;
            }
        }
        return -1; // none retained: every retained sample is after any older reset
    }

    /** CONCENTRATE_LOW: whether the last offered record made a reset (the rule's reset clear). */
    public boolean resetByLastOffer() {
        return resetByLastOffer;
    }

    /** Mean |conductivity - reference| over the treatment samples, mS/cm; NaN when none. */
    public double conductivityDivergenceMeanMsCm() {
        return divergence.count == 0 ? Double.NaN : divergence.conductivitySum / divergence.count;
    }

    /** Mean |dialysateTemp - reference| over the treatment samples, degrees C; NaN when none. */
    public double temperatureDivergenceMeanC() {
        return divergence.count == 0 ? Double.NaN : divergence.temperatureSum / divergence.count;
    }

    public long divergenceSpanMillis() {
        return divergence.spanMillis();
    }

    /** CONCENTRATE_LOW: slope of acidRemainingMl, mL/min; NaN below two samples. */
    public double acidSlopeMlPerMinute() {
        return acid.slopePerMinute();
    }

    public long acidSpanMillis() {
        return acid.spanMillis();
    }

    @Override
    void moveSlot(int from, int to) {
        state[to] = state[from];
        conductivityDivergenceMsCm[to] = conductivityDivergenceMsCm[from];
        temperatureDivergenceC[to] = temperatureDivergenceC[from];
        acidRemainingMl[to] = acidRemainingMl[from];
    }

    @Override
    void resizeColumns(int capacity, long fromSeq, long toSeq) {
        byte[] st = new byte[capacity];
        float[] c = new float[capacity];
        float[] t = new float[capacity];
        double[] a = new double[capacity];
        int newMask = capacity - 1;
        for (long seq = fromSeq; seq < toSeq; seq++) {
            int from = slot(seq);
            int to = (int) seq & newMask;
            st[to] = state[from];
            c[to] = conductivityDivergenceMsCm[from];
            t[to] = temperatureDivergenceC[from];
            a[to] = acidRemainingMl[from];
        }
        state = st;
        conductivityDivergenceMsCm = c;
        temperatureDivergenceC = t;
        acidRemainingMl = a;
    }

    @Override
    public long columnBytes() {
        int capacity = mask + 1;
        return 5 * 16L + capacity * (4L + 1 + 4 + 4 + 8);
    }

    /** Treatment samples of the last 5 min with the sums of both divergences. */
    private final class DivergenceTrack extends Track {
        double conductivitySum;
        double temperatureSum;

        DivergenceTrack() {
            super(DIVERGENCE_WINDOW_MILLIS);
        }

        @Override
        boolean matches(long seq) {
            return state[slot(seq)] == TREATMENT;
        }

        @Override
        void accumulate(long seq, int sign) {
            int s = slot(seq);
            conductivitySum += sign * conductivityDivergenceMsCm[s];
            temperatureSum += sign * temperatureDivergenceC[s];
        }

        @Override
        void clearSums() {
            conductivitySum = 0;
            temperatureSum = 0;
        }
    }
}
