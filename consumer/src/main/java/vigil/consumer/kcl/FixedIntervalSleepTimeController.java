package vigil.consumer.kcl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.kinesis.retrieval.polling.SleepTimeController;
import software.amazon.kinesis.retrieval.polling.SleepTimeControllerConfig;

/**
 * Sleeps so that GetRecords calls on a shard start {@code intervalMillis} apart, below KCL's 200 ms floor if asked.
 * KCL clamps {@code PollingConfig.idleTimeBetweenReadsInMillis} to at least 200 ms but takes the sleep from its
 * {@link SleepTimeController}; this one ignores the clamped value and uses its own interval.
 *
 * <p>Real Kinesis allows 5 GetRecords calls per second per shard, shared by every consumer application of the
 * stream: below 200 ms one application alone exceeds that and is throttled. Use it against a local emulator, or
 * switch to enhanced fan-out (push, about 70 ms) on real Kinesis; see docs/observability.md.
 *
 * <p><b>Threading contract.</b> Stateless; safe from any thread.
 */
public final class FixedIntervalSleepTimeController implements SleepTimeController {
    private final long intervalMillis;
    private final Clock clock;

    public FixedIntervalSleepTimeController(long intervalMillis, Clock clock) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("intervalMillis must be >= 0, was " + intervalMillis);
        }
        this.intervalMillis = intervalMillis;
        this.clock = clock;
    }

    @Override
    public long getSleepTimeMillis(SleepTimeControllerConfig config) {
        Instant last = config.lastSuccessfulCall();
        if (last == null) {
            return intervalMillis;
        }
        long since = Duration.between(last, clock.instant()).abs().toMillis();
        return Math.max(0, intervalMillis - since);
    }
}
