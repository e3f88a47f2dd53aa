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

    /**
     * Virtual time that runs as fast as the machine can: waiting advances the clock at once. With device time taken
     * from the schedule this gives the same records as a paced run, in a fraction of the time. Single thread.
     */
    static Pacer virtual() {
        return new Pacer() {
            private volatile long nanos; // written by the driver only; volatile for progress readers

            @Override
            public long nanoTime() {
                return nanos;
            }

            @Override
            public void parkNanos(Object blocker, long waitNanos) {
                nanos += waitNanos;
            }
        };
    }
}
