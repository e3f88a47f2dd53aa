package vigil.sim.device;

/**
 * The calibration part of a device's settings document (api-v1.md, "Settings document") as the device applies it to
 * its own readings. The consumer never corrects readings; the device (or its collector) does.
 *
 * <ul>
 *   <li>{@code flowCorrectionFactor} multiplies the pump's measured volume (0.8 to 1.2; 1.0 changes nothing). A pump
 *       whose volume counting reads 8 % high is corrected by {@code 1 / 1.08 = 0.926}.
 *   <li>{@code conductivityOffsetMsCm} is added to the primary conductivity cell ({@code conductivityMsCm}); the
 *       independent monitoring cell is the reference and is never corrected. A primary cell reading 0.5 mS/cm high is
 *       corrected by {@code -0.5}.
 *   <li>{@code temperatureOffsetC} is added to the primary temperature sensor ({@code dialysateTempC}), likewise.
 *   <li>{@code pressureOffsetMmHg} (api-v1 v1.1) is added to the pump's pressure reading ({@code pressureMmHg}): a
 *       sensor reading 25 mmHg high is corrected by {@code -25}.
 * </ul>
 *
 * @param settingsVersion        {@code version} of the applied document, reported as {@code settingsVersion}
 * @param flowCorrectionFactor   multiplier of measured pump volume, 0.8 to 1.2
 * @param conductivityOffsetMsCm added to the primary conductivity reading, -2.0 to 2.0 mS/cm
 * @param temperatureOffsetC     added to the primary temperature reading, -2.0 to 2.0 C
 * @param pressureOffsetMmHg     added to the pump's pressure reading, -30.0 to 30.0 mmHg (v1.1)
 */
public record DeviceCalibration(
        long settingsVersion,
        double flowCorrectionFactor,
        double conductivityOffsetMsCm,
        double temperatureOffsetC,
        double pressureOffsetMmHg) {

    public DeviceCalibration {
        if (settingsVersion < 0) {
            throw new IllegalArgumentException("settingsVersion must be >= 0, was " + settingsVersion);
        }
        // api-v1 "Settings document": factor 0.8 to 1.2, offsets -2.0 to 2.0
        if (!(flowCorrectionFactor >= 0.8 && flowCorrectionFactor <= 1.2)) {
            throw new IllegalArgumentException("flowCorrectionFactor must be 0.8..1.2, was " + flowCorrectionFactor);
        }
        if (!(Math.abs(conductivityOffsetMsCm) <= 2.0) || !(Math.abs(temperatureOffsetC) <= 2.0)) {
            throw new IllegalArgumentException("offsets must be -2.0..2.0");
        }
        if (!(Math.abs(pressureOffsetMmHg) <= 30.0)) { // api-v1 v1.1
            throw new IllegalArgumentException("pressureOffsetMmHg must be -30.0..30.0, was " + pressureOffsetMmHg);
        }
    }

    /** A document with neutral calibration values (factor 1, offsets 0). */
    public static DeviceCalibration neutral(long settingsVersion) {
        return new DeviceCalibration(settingsVersion, 1.0, 0.0, 0.0, 0.0);
    }
}
