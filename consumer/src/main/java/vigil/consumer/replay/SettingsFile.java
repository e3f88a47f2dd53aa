package vigil.consumer.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import vigil.consumer.rules.DeviceSettings;
import vigil.consumer.rules.SettingsSource;
import vigil.consumer.rules.Threshold;

/**
 * Reads settings documents (api-v1.md, "Settings document") from a JSON file: one document, or an array of them.
 * Only what the engine uses is read: {@code deviceId}, {@code version}, {@code careUnit},
 * {@code calibration.lastCalibratedAt}, {@code calibration.intervalDays} and {@code thresholds}.
 *
 * <p>A document with a {@code deviceId} applies to that device. At most one document may leave {@code deviceId} out:
 * it applies to every device without a document of its own (the what-if's usual file: one threshold change for the
 * fleet; threshold names of the other device type are simply not used by its rules). Its {@code careUnit} is
 * ignored, so that a fleet-wide document never moves devices between care units (docs/alarm-burden.md).
 */
final class SettingsFile {
    private SettingsFile() {}

    /** The documents of a file as a settings source, and what it holds. */
    record Loaded(SettingsSource source, int devices, boolean hasDefault) {
        String describe() {
            return "settings for " + devices + " devices" + (hasDefault ? ", and a document for every other device" : "");
        }
    }

    static Loaded load(Path file) throws IOException {
        Map<String, DeviceSettings> byDevice = read(file);
        DeviceSettings fallback = byDevice.remove(DEFAULT_KEY);
        SettingsSource source = fallback == null ? byDevice::get : id -> byDevice.getOrDefault(id, fallback);
        return new Loaded(source, byDevice.size(), fallback != null);
    }

    /** Key of the document without a deviceId in {@link #read}'s map (not a valid deviceId). */
    static final String DEFAULT_KEY = "*";

    static Map<String, DeviceSettings> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !(root.isArray() || root.isObject())) {
            throw new IllegalArgumentException(file + ": not a settings document or an array of them");
        }
        Map<String, DeviceSettings> byDevice = new HashMap<>();
        if (root.isArray()) {
            for (JsonNode doc : root) {
                add(byDevice, doc);
            }
        } else {
            add(byDevice, root);
        }
        return byDevice;
    }

    private static void add(Map<String, DeviceSettings> byDevice, JsonNode doc) {
        String deviceId = doc.path("deviceId").asText(null);
        if (deviceId == null) {
            if (byDevice.containsKey(DEFAULT_KEY)) {
                throw new IllegalArgumentException("more than one settings document without a deviceId");
            }
            deviceId = DEFAULT_KEY;
        }
        JsonNode calibration = doc.path("calibration");
        Long calibratedAt = calibration.hasNonNull("lastCalibratedAt")
                ? Instant.parse(calibration.get("lastCalibratedAt").asText()).toEpochMilli()
                : null;
        Integer intervalDays = calibration.hasNonNull("intervalDays") ? calibration.get("intervalDays").asInt() : null;
        Map<String, Double> overrides = new HashMap<>();
        for (Map.Entry<String, JsonNode> type : doc.path("thresholds").properties()) {
            for (Map.Entry<String, JsonNode> name : type.getValue().properties()) {
                if (!name.getValue().isNumber()) {
                    throw new IllegalArgumentException("threshold " + type.getKey() + "." + name.getKey()
                            + " of " + deviceId + " is not a number");
                }
                if (Threshold.find(type.getKey(), name.getKey()) == null) {
                    throw new IllegalArgumentException("unknown threshold " + type.getKey() + "." + name.getKey()
                            + " in the settings of " + (DEFAULT_KEY.equals(deviceId) ? "every device" : deviceId)
                            + " (names as in alerts-v1.md)");
                }
                overrides.put(type.getKey() + "." + name.getKey(), name.getValue().asDouble());
            }
        }
        String careUnit = DEFAULT_KEY.equals(deviceId) ? null : doc.path("careUnit").asText(null);
        byDevice.put(deviceId, new DeviceSettings(doc.path("version").asLong(0), careUnit,
                calibratedAt, intervalDays, overrides));
    }
}
