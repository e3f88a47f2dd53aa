package vigil.consumer.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import vigil.consumer.rules.DeviceSettings;

/**
 * Reads settings documents (api-v1.md, "Settings document") from a JSON file: one document, or an array of them.
 * Only what the engine uses is read: {@code deviceId}, {@code version}, {@code careUnit},
 * {@code calibration.lastCalibratedAt}, {@code calibration.intervalDays} and {@code thresholds}.
 */
final class SettingsFile {
    private SettingsFile() {}

    static Map<String, DeviceSettings> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
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
            throw new IllegalArgumentException("a settings document has no deviceId");
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
                overrides.put(type.getKey() + "." + name.getKey(), name.getValue().asDouble());
            }
        }
        byDevice.put(deviceId, new DeviceSettings(doc.path("version").asLong(0), doc.path("careUnit").asText(null),
                calibratedAt, intervalDays, overrides));
    }
}
