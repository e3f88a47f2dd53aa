package vigil.consumer.replay;

/**
 * The smallest and greatest {@code ts} of a file's lines (the replay's own pre-scan, {@link Replay#scanTs}): the
 * time range a replay's alarm burden report covers. Single thread.
 */
final class FileSpan {
    private long minMillis = Long.MAX_VALUE;
    private long maxMillis = Long.MIN_VALUE;

    void line(byte[] buffer, int offset, int length) {
        long ts = Replay.scanTs(buffer, offset, length);
        if (ts != Long.MIN_VALUE) {
            minMillis = Math.min(minMillis, ts);
            maxMillis = Math.max(maxMillis, ts);
        }
    }

    /** Whether any line had a ts. */
    boolean isEmpty() {
        return maxMillis == Long.MIN_VALUE;
    }

    long fromMillis() {
        return minMillis;
    }

    /** End of the range, exclusive: one millisecond after the greatest ts (or {@code nowMillis} when later). */
    long toMillis(Long nowMillis) {
        long end = maxMillis + 1;
        return nowMillis != null && nowMillis >= end ? nowMillis + 1 : end;
    }
}
