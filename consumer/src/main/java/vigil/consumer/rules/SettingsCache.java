package vigil.consumer.rules;

import java.util.Map;

/**
 * The settings documents of every device as last read from the settings table (the side input; docs/consumer.md,
 * "Settings side input").
 *
 * <p><b>Threading contract.</b> One writer (the settings poller) replaces the whole immutable map with a volatile
 * store in {@link #replace}; any number of readers (shard processors) load it with a volatile read. A reader sees a
 * complete map of one poll, never a mix.
 */
public final class SettingsCache implements SettingsSource {
    private volatile Map<String, DeviceSettings> byDevice = Map.of(); // immutable; replaced whole
    private volatile long generation; // incremented after each replace that changed something

    @Override
    public DeviceSettings settingsFor(String deviceId) {
        return byDevice.get(deviceId);
    }

    /** Publishes a new poll's documents. Writer only. */
    public void replace(Map<String, DeviceSettings> documents) {
        Map<String, DeviceSettings> copy = Map.copyOf(documents);
        if (!copy.equals(byDevice)) {
            byDevice = copy;
            generation = generation + 1; // single writer: no lost update
        }
    }

    /** Changes whenever the documents change; readers compare it to skip unchanged polls. */
    public long generation() {
        return generation;
    }
}
