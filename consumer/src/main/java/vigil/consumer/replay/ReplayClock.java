package vigil.consumer.replay;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The processing clock of a replay: set by the replay from the file's own timing, never from the wall clock. Also
 * the clock of offline benchmarks and of tests that drive processing time.
 *
 * <p><b>Threading contract.</b> Single thread: the replay loop sets and reads it.
 */
public final class ReplayClock extends Clock {
    private long nowMillis;

    public void set(long nowMillis) {
        this.nowMillis = nowMillis;
    }

    @Override
    public long millis() {
        return nowMillis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(nowMillis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the replay clock is UTC only");
    }
}
