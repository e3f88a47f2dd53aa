package vigil.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A device clock for tests: each reading is {@code stepMillis} after the previous one. Thread-safe. */
final class SteppingClock extends Clock {
    private final long stepMillis;
    private long nextMillis; // guarded by this

    SteppingClock(long startMillis, long stepMillis) {
        this.nextMillis = startMillis;
        this.stepMillis = stepMillis;
    }

    @Override
    public synchronized long millis() {
        long now = nextMillis;
        nextMillis += stepMillis;
        return now;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
