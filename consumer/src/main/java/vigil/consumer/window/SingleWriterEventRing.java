package vigil.consumer.window;

/**
 * The samples of one device in event-time order, retained for {@link #RETAIN_MILLIS}, plus the {@link Track}s that
 * keep one rule's aggregate each. Subclasses own the value columns.
 *
 * <p><b>Threading contract.</b> Single logical writer: the owning shard processor (serial calls, possibly on
 * different threads, happens-before between calls). Not safe for concurrent use; nothing here is published. What
 * other threads may read is the immutable figures object published by the rules layer.
 */
public abstract class SingleWriterEventRing {
    /*
     * High level design.
     *
     * Samples sit in a power-of-two ring addressed by an absolute sequence number: slot = seq & mask. headSeq is the
     * oldest retained sample, tailSeq one past the newest; samples in [headSeq, tailSeq) are sorted by ts, equal ts
     * in arrival order. An in-order record (the common case) is appended at tailSeq; an out-of-order one (within
     * 120 s, telemetry-v1) is inserted by shifting the few samples after it one slot up, and every cursor of every
     * track at or after the insertion point moves up by one, so cursors keep naming the same samples.
     *
     * Each Track covers the rule window (now - W, now]: startSeq is its first sample, and it adds or removes one
     * sample's contribution at a time: O(1) per sample as it enters and as it leaves the window. Tracks whose match
     * depends on the newest record (same infusionId) or on a reset rebuild themselves from the ring when that
     * changes, which happens once per infusion or consumable, and every few window turn-overs to drop the rounding
     * drift of add/subtract running sums (amortised O(1)).
     */

    /** alerts-v1.md, "Rules": the longest window (FLOW_ACCURACY_DRIFT, BATTERY_DEPLETION, CONCENTRATE_LOW) is 10 min. */
    public static final long RETAIN_MILLIS = 600_000;
    static final int INITIAL_CAPACITY = 8;
    /** 8,192 samples in 10 min is 13 records/s per device; beyond that the oldest samples are dropped early. */
    static final int MAX_CAPACITY = 1 << 13;
    private static final long REBASE_AFTER_MILLIS = 1L << 30; // keep int offsets far from overflow (~12 days)

    long baseMillis; // ts of a sample = baseMillis + tsOffsetMillis[slot]
    int[] tsOffsetMillis = new int[INITIAL_CAPACITY];
    int mask = INITIAL_CAPACITY - 1;
    long headSeq; // oldest retained sample
    long tailSeq; // one past the newest sample
    long nowMillis = Long.MIN_VALUE; // newest ts (alerts-v1 "now"); MIN_VALUE: empty
    private long droppedEarly; // samples dropped before RETAIN_MILLIS because the ring was full
    // Recovery journal (docs/storage.md, "Recovery journal"): the oldest ts offered since the last journal chunk was
    // taken; Long.MAX_VALUE: nothing offered since. Samples with ts >= it are a tail of the ring (sorted by ts).
    long journalFromTsMillis = Long.MAX_VALUE;
    private final Track[] tracks;

    SingleWriterEventRing(int trackCount) {
        this.tracks = new Track[trackCount];
    }

    final void register(int index, Track track) {
        tracks[index] = track;
    }

    /** alerts-v1 "now": the newest accepted ts of the device, or {@code Long.MIN_VALUE} before the first sample. */
    public final long nowMillis() {
        return nowMillis;
    }

    public final int size() {
        return (int) (tailSeq - headSeq);
    }

    public final long droppedEarly() {
        return droppedEarly;
    }

    final long ts(long seq) {
        return baseMillis + tsOffsetMillis[(int) seq & mask];
    }

    final int slot(long seq) {
        return (int) seq & mask;
    }

    /**
     * Places a sample with event time {@code tsMillis}: moves "now" forward and evicts what left the windows when it
     * is the newest, finds its place, and makes room. The caller then writes the columns at {@link #slot} of the
     * returned seq and calls {@link #admitted}.
     */
    final long place(long tsMillis) {
        journalFromTsMillis = Math.min(journalFromTsMillis, tsMillis);
        if (nowMillis == Long.MIN_VALUE) {
            baseMillis = tsMillis;
        } else if (tsMillis - baseMillis > REBASE_AFTER_MILLIS) {
            rebase(tsMillis);
        }
        if (tsMillis >= nowMillis) {
            nowMillis = tsMillis;
            for (Track t : tracks) {
                t.advance();
            }
            evictRetained();
        }
        if (tailSeq - headSeq == mask + 1) {
            if (mask + 1 < MAX_CAPACITY) {
                grow();
            } else {
                dropOldest();
            }
        }
        long seq = tailSeq;
        while (seq > headSeq && ts(seq - 1) > tsMillis) {
            seq--;
        }
        for (long s = tailSeq; s > seq; s--) {
            moveSlot(slot(s - 1), slot(s));
            tsOffsetMillis[slot(s)] = tsOffsetMillis[slot(s - 1)];
        }
        tailSeq++;
        tsOffsetMillis[slot(seq)] = (int) (tsMillis - baseMillis);
        return seq;
    }

    /** True when samples were offered since the last {@link #markJournaled()}. */
    public final boolean hasUnjournaled() {
        return journalFromTsMillis != Long.MAX_VALUE;
    }

    /** The samples offered so far are in a durable journal chunk (the caller wrote one). */
    public final void markJournaled() {
        journalFromTsMillis = Long.MAX_VALUE;
    }

    /**
     * The ts from which a journal chunk holds the samples: {@code Long.MIN_VALUE} for every retained sample (a base
     * chunk), else the oldest ts offered since the last chunk. A restore drops the samples it holds with ts at or
     * after it and appends the chunk's: a late insert rewrites the tail it landed in, never a sample twice.
     */
    final long journalFrom(boolean all) {
        return all ? Long.MIN_VALUE : journalFromTsMillis;
    }

    /** First sample with ts at or after {@code fromTsMillis} (a tail of the ring), or tailSeq when none. */
    final long firstSeqFrom(long fromTsMillis) {
        long s = tailSeq;
        while (s > headSeq && ts(s - 1) >= fromTsMillis) {
            s--;
        }
        return s;
    }

    /** Tells every track about the sample just written at {@code seq}. */
    final void admitted(long seq) {
        boolean appended = seq == tailSeq - 1;
        for (Track t : tracks) {
            if (appended) {
                t.onAppend(seq);
            } else {
                t.onInsert(seq);
            }
        }
    }

    private void evictRetained() {
        long limit = nowMillis - RETAIN_MILLIS; // window bounds (now - W, now]: a sample exactly W old is out
        while (tailSeq - headSeq > 1 && ts(headSeq) <= limit && headSeq < minStart()) {
            headSeq++;
        }
    }

    private long minStart() {
        long min = tailSeq;
        for (Track t : tracks) {
            min = Math.min(min, t.startSeq);
        }
        return min;
    }

    private void dropOldest() {
        for (Track t : tracks) {
            if (t.startSeq == headSeq) {
                t.evictFirst();
            }
        }
        headSeq++;
        droppedEarly++;
    }

    private void grow() {
        int newCapacity = (mask + 1) * 2;
        int[] ts = new int[newCapacity];
        for (long s = headSeq; s < tailSeq; s++) {
            ts[(int) s & (newCapacity - 1)] = tsOffsetMillis[slot(s)];
        }
        resizeColumns(newCapacity, headSeq, tailSeq);
        tsOffsetMillis = ts;
        mask = newCapacity - 1;
    }

    private void rebase(long tsMillis) {
        long shift = tsMillis - RETAIN_MILLIS - baseMillis;
        for (long s = headSeq; s < tailSeq; s++) {
            tsOffsetMillis[slot(s)] -= (int) shift;
        }
        baseMillis += shift;
    }

    /** Moves one sample's value columns from one slot to another (insertion shifts samples up). */
    abstract void moveSlot(int fromSlot, int toSlot);

    /** Reallocates the value columns at {@code newCapacity}, keeping samples {@code [fromSeq, toSeq)}. */
    abstract void resizeColumns(int newCapacity, long fromSeq, long toSeq);

    /** Bytes held by the arrays of this window (for the memory figure in docs/benchmarks.md). */
    public abstract long columnBytes();

    /**
     * The aggregate of one rule over the samples with ts in {@code (now - windowMillis, now]} that match it. Owns
     * the sample cursors; subclasses define the match and the contribution of a sample.
     */
    abstract class Track {
        final long windowMillis;
        long startSeq; // first sample in the window (matching or not)
        long firstMatchSeq = -1; // oldest matching sample in the window; -1: none
        long newestMatchSeq = -1; // newest matching sample in the window; -1: none
        int count; // matching samples in the window
        int removalsSinceRebuild; // since the last rebuild; bounds the drift of running sums

        Track(long windowMillis) {
            this.windowMillis = windowMillis;
        }

        abstract boolean matches(long seq);

        /** Adds ({@code sign = 1}) or removes ({@code sign = -1}) one matching sample's contribution. */
        abstract void accumulate(long seq, int sign);

        /** Zeroes the running sums. */
        abstract void clearSums();

        final void advance() {
            long limit = nowMillis - windowMillis;
            while (startSeq < tailSeq && ts(startSeq) <= limit) {
                evictFirst();
            }
            if (removalsSinceRebuild > 4 * (count + 16)) {
                rebuild();
            }
        }

        void evictFirst() {
            long seq = startSeq++;
            if (seq == firstMatchSeq) {
                accumulate(seq, -1);
                removalsSinceRebuild++;
                if (--count == 0) {
                    firstMatchSeq = -1;
                    newestMatchSeq = -1;
                } else {
                    long s = seq + 1;
                    while (!matches(s)) {
                        s++;
                    }
                    firstMatchSeq = s;
                }
            }
        }

        void onAppend(long seq) {
            if (matches(seq)) {
                add(seq);
            }
        }

        void onInsert(long seq) {
            boolean inWindow = shiftFrom(seq);
            if (inWindow && matches(seq)) {
                add(seq);
            }
        }

        /**
         * Cursors at or after an insertion point now name the sample one slot up. Returns whether the inserted
         * sample lies inside this track's window.
         */
        final boolean shiftFrom(long seq) {
            boolean inWindow = ts(seq) > nowMillis - windowMillis;
            if (startSeq > seq || (startSeq == seq && !inWindow)) {
                startSeq++; // an insert before the window start moves the window's first sample up one slot
            }
            if (firstMatchSeq >= seq) {
                firstMatchSeq++;
            }
            if (newestMatchSeq >= seq) {
                newestMatchSeq++;
            }
            return inWindow;
        }

        final void add(long seq) {
            accumulate(seq, 1);
            count++;
            if (firstMatchSeq < 0 || seq < firstMatchSeq) {
                firstMatchSeq = seq;
            }
            if (seq > newestMatchSeq) {
                newestMatchSeq = seq;
            }
        }

        /** Recomputes the aggregate from the retained samples: O(window); see the design note for when. */
        final void rebuild() {
            clearSums();
            count = 0;
            firstMatchSeq = -1;
            newestMatchSeq = -1;
            removalsSinceRebuild = 0;
            long limit = nowMillis - windowMillis;
            long s = Math.max(headSeq, startSeq);
            while (s < tailSeq && ts(s) <= limit) {
                s++;
            }
            startSeq = s;
            beforeRebuild();
            for (; s < tailSeq; s++) {
                if (matches(s)) {
                    add(s);
                }
            }
        }

        /** Contribution count, for tests and figures. */
        final int count() {
            return count;
        }

        /** Hook to reset a track's own base values before a rebuild re-adds its samples. */
        void beforeRebuild() {}

        /** Newest minus oldest ts of the matching samples, or -1 with fewer than two. */
        final long spanMillis() {
            return count < 2 ? -1 : ts(newestMatchSeq) - ts(firstMatchSeq);
        }
    }

    /** A track with running sums for the least-squares slope of one value against ts. */
    abstract class SlopeTrack extends Track {
        private long slopeBaseMillis = Long.MIN_VALUE; // t = (ts - slopeBaseMillis) minutes, keeps sums small
        private double sumT;
        private double sumX;
        private double sumTT;
        private double sumTX;

        SlopeTrack(long windowMillis) {
            super(windowMillis);
        }

        abstract double value(long seq);

        @Override
        final void accumulate(long seq, int sign) {
            if (slopeBaseMillis == Long.MIN_VALUE) {
                slopeBaseMillis = ts(seq);
            }
            double t = (ts(seq) - slopeBaseMillis) / 60_000.0;
            double x = value(seq);
            sumT += sign * t;
            sumX += sign * x;
            sumTT += sign * t * t;
            sumTX += sign * t * x;
        }

        @Override
        final void clearSums() {
            sumT = 0;
            sumX = 0;
            sumTT = 0;
            sumTX = 0;
        }

        @Override
        final void beforeRebuild() {
            slopeBaseMillis = Long.MIN_VALUE;
        }

        /** alerts-v1 slope(x): least-squares slope per minute; NaN with fewer than two distinct ts. */
        final double slopePerMinute() {
            if (count < 2) {
                return Double.NaN;
            }
            double n = count;
            double denominator = n * sumTT - sumT * sumT;
            if (denominator <= 1e-12 * n * sumTT) {
                return Double.NaN;
            }
            return (n * sumTX - sumT * sumX) / denominator;
        }
    }
}
