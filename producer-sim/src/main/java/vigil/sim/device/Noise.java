package vigil.sim.device;

import java.util.SplittableRandom;

/** Small numeric helpers shared by the device models: seeding, smoothing, clamping, rounding. */
final class Noise {
    private Noise() {}

    /** A per-device seed that does not depend on how many other devices exist (SplitMix64 finaliser). */
    static long deviceSeed(long simulationSeed, String deviceId) {
        long z = simulationSeed * 0x9E3779B97F4A7C15L + deviceId.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * First-order lag towards {@code target} with time constant {@code tauMillis}, plus gaussian noise of
     * {@code sigma}. With {@code dtMillis = 0} only the noise applies.
     */
    static double follow(
            SplittableRandom random, double value, double target, long dtMillis, double tauMillis, double sigma) {
        double alpha = 1.0 - Math.exp(-dtMillis / tauMillis);
        return value + alpha * (target - value) + sigma * random.nextGaussian();
    }

    static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    static double uniform(SplittableRandom random, double min, double max) {
        return min + (max - min) * random.nextDouble();
    }

    /** Rounds to {@code decimals} places (negative: to tens, hundreds), for readable wire values; monotone, so never-decreasing stays so. */
    static double round(double value, int decimals) {
        if (decimals < 0) {
            double step = Math.pow(10, -decimals);
            return Math.round(value / step) * step;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
