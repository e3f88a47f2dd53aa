package vigil.consumer.rules;

/**
 * Where the engine finds a device's settings document when it starts tracking the device. Later changes are fed
 * with {@link AlertEngine#applySettings}. Implementations must answer from memory (the hot path calls this once per
 * new device); reading the settings table is the caller's job.
 */
@FunctionalInterface
public interface SettingsSource {
    /** No settings for any device: catalogue defaults, no calibration dates. */
    SettingsSource NONE = deviceId -> null;

    /** The device's settings, or null when it has none. */
    DeviceSettings settingsFor(String deviceId);
}
