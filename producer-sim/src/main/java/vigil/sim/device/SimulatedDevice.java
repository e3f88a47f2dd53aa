package vigil.sim.device;

import vigil.telemetry.TelemetryRecord;

/**
 * One simulated device: a small physical model advanced by device time, emitting one telemetry-v1 record per call.
 *
 * <p>Contract: the first record has the configured start sequence number, every next record's {@code seq} is the
 * previous plus one. The record's {@code ts} is exactly the {@code deviceTimeMillis} passed in. Given the same seed,
 * identity and sequence of device times, a device produces the same records.
 *
 * <p><b>Threading contract.</b> Not thread-safe: one logical caller (the simulation driver) at a time.
 */
public interface SimulatedDevice {

    DeviceIdentity identity();

    default String deviceId() {
        return identity().deviceId();
    }

    /**
     * Advances the model to {@code deviceTimeMillis} and returns the next record. A time earlier than the previous
     * call's (a clock step back) advances the model by zero but is still used as the record's {@code ts}.
     */
    TelemetryRecord next(long deviceTimeMillis);

    /** The seq of the last record returned, or {@code startSeq - 1} before the first. */
    long lastSeq();

    /**
     * Applies a settings document's calibration from the next record on, and reports its version as
     * {@code settingsVersion}. Unlike {@link #next}, any thread may call this (the settings poller does): the value is
     * published through a volatile field that {@link #next} reads once per record.
     */
    void applyCalibration(DeviceCalibration calibration);

    /** The calibration applied now, or {@code null} before any settings document. Any thread. */
    DeviceCalibration calibration();
}
