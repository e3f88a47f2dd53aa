package vigil.sim;

import java.util.concurrent.locks.LockSupport;

/**
 * The time source that paces a {@link Simulation}: a monotonic clock and a way to wait on it. Injected so that
 * tests can run the pacing in virtual time instead of asserting on wall-clock timing.
 */
interface Pacer {
    /** Monotonic time, nanoseconds, arbitrary origin. */
    long nanoTime();

    /** Waits for up to {@code nanos} (may return early; the caller re-checks the time). */
    void parkNanos(Object blocker, long nanos);

    /** Real time: {@link System#nanoTime()} and {@link LockSupport#parkNanos(Object, long)}. */
    Pacer SYSTEM = new Pacer() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void parkNanos(Object blocker, long nanos) {
            LockSupport.parkNanos(blocker, nanos);
        }
    };
}
