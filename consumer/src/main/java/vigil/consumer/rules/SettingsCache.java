package vigil.consumer.rules;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The settings documents of the devices, as last read from the settings table and its stream (the side input;
 * docs/consumer.md, "Settings side input").
 *
 * <p>A document replaces the one held only when its {@code version} is not older, so the one read of the table at
 * start and the stream's changes may arrive in any order and twice (the stream is at least once).
 *
 * <p><b>Threading contract.</b> Writers ({@link #replace}, {@link #apply}) are serialised on this object (the
 * start-up read and the stream's thread may overlap); each publishes a new immutable map with a volatile store. Any
 * number of readers (shard processors) load it with a volatile read: a reader sees one complete map, never a mix.
 */
public final class SettingsCache implements SettingsSource {
    private volatile Map<String, DeviceSettings> byDevice = Map.of(); // immutable; replaced whole
    private volatile long generation; // incremented after each write that changed something

    @Override
    public DeviceSettings settingsFor(String deviceId) {
        return byDevice.get(deviceId);
    }

    /** Publishes the documents of a whole read of the table (a document held in a newer version stays). */
    public synchronized void replace(Map<String, DeviceSettings> documents) {
        apply(documents, Set.of());
    }

    /**
     * Applies changed documents (kept when not older than the one held) and removals.
     *
     * @return whether anything changed
     */
    public synchronized boolean apply(Map<String, DeviceSettings> changed, Set<String> removed) {
        Map<String, DeviceSettings> next = null;
        for (Map.Entry<String, DeviceSettings> e : changed.entrySet()) {
            DeviceSettings held = byDevice.get(e.getKey());
            if (held == null || (held.version() <= e.getValue().version() && !held.equals(e.getValue()))) {
                if (next == null) {
                    next = new HashMap<>(byDevice);
                }
                next.put(e.getKey(), e.getValue());
            }
        }
        for (String id : removed) {
            if (byDevice.containsKey(id)) {
                if (next == null) {
                    next = new HashMap<>(byDevice);
                }
                next.remove(id);
            }
        }
        if (next == null) {
            return false;
        }
        byDevice = Map.copyOf(next);
        generation = generation + 1; // writers serialised: no lost update
        return true;
    }

    /** Changes whenever the documents change; readers compare it to skip unchanged polls. */
    public long generation() {
        return generation;
    }

    /** Documents held (for tests and the consumer's log line). */
    public int size() {
        return byDevice.size();
    }
}
