package vigil.dashboard.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vigil.dashboard.problem.FieldError;
import vigil.telemetry.Ids;

/**
 * Validates a settings document of a PUT (api-v1.md, "Settings document") and returns it normalised: server fields
 * dropped, defaults filled in ({@code flowCorrectionFactor} 1.0, offsets 0, {@code pressureOffsetMmHg} (v1.1) too). Every problem is collected, each under
 * its dotted field path, so that one 400 lists them all. Unknown fields are errors: a misspelt calibration field must
 * not be silently ignored. Stateless.
 */
public final class SettingsValidator {
    /** Thresholds each alert type lets a settings document override (alerts-v1.md, "Rules", names in backquotes). */
    static final Map<String, Set<String>> PUMP_THRESHOLDS = Map.of(
            "FLOW_ACCURACY_DRIFT", Set.of("raisePct", "clearPct", "clockJumpSec"), // clockJumpSec: v1.1
            "PRESSURE_SENSOR_OFFSET", Set.of("raiseMmHg", "clearMmHg", "settleSec"), // settleSec: v1.1
            "INFUSION_NEAR_END", Set.of("mediumMin", "highMin", "clearMin"),
            "BATTERY_DEPLETION", Set.of("mediumMin", "highMin"),
            "DEVICE_OFFLINE", Set.of("timeoutSec"));
    static final Map<String, Set<String>> DIALYSIS_THRESHOLDS = Map.of(
            "CONDUCTIVITY_SENSOR_DRIFT", Set.of("raiseMsCm", "clearMsCm"),
            "TEMPERATURE_SENSOR_DRIFT", Set.of("raiseC", "clearC"),
            "CONCENTRATE_LOW", Set.of("marginMin"),
            "FILTER_LIFE", Set.of("limitHours"),
            "DEVICE_OFFLINE", Set.of("timeoutSec"));
    private static final Set<String> TOP_LEVEL = Set.of("deviceId", "version", "careUnit", "bed", "model",
            "calibration", "thresholds", "firmware", "updatedAt", "updatedBy");
    private static final Set<String> CALIBRATION = Set.of("lastCalibratedAt", "intervalDays", "flowCorrectionFactor",
            "conductivityOffsetMsCm", "temperatureOffsetC", "pressureOffsetMmHg");
    private static final Set<String> FIRMWARE = Set.of("targetVersion");

    private SettingsValidator() {}

    /** The outcome: the normalised document when {@code errors} is empty. */
    public record Result(ObjectNode document, List<FieldError> errors) {}

    /**
     * @param deviceType the device's type ({@code infusion_pump} or {@code dialysis}) when known, else null: then a
     *                   threshold name of either type is accepted
     */
    public static Result validate(JsonNode body, String deviceId, String deviceType) {
        List<FieldError> errors = new ArrayList<>();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("body", "must be a JSON object (the settings document)"));
            return new Result(out, errors);
        }
        unknownFields(body, TOP_LEVEL, "", errors);
        JsonNode id = body.get("deviceId");
        if (id != null && !(id.isTextual() && id.asText().equals(deviceId))) {
            errors.add(new FieldError("deviceId", "must be the device of the path, or left out"));
        }
        out.put("deviceId", deviceId);
        String careUnit = text(body, "careUnit", "careUnit", Ids.CARE_UNIT_REGEX,
                "is required: 1 to 32 of A-Z a-z 0-9 . _ -", true, errors);
        if (careUnit != null) {
            out.put("careUnit", careUnit);
        }
        String bed = text(body, "bed", "bed", "[^\\p{Cntrl}]{1,16}", "must be 1 to 16 characters", false, errors);
        if (bed != null) {
            out.put("bed", bed);
        }
        String model = text(body, "model", "model", "[A-Za-z0-9._ -]{1,64}",
                "must be 1 to 64 of A-Z a-z 0-9 . _ - and spaces", false, errors);
        if (model != null) {
            out.put("model", model);
        }
        calibration(body.get("calibration"), out, errors);
        thresholds(body.get("thresholds"), deviceType, out, errors);
        firmware(body.get("firmware"), out, errors);
        return new Result(out, errors);
    }

    private static void calibration(JsonNode c, ObjectNode out, List<FieldError> errors) {
        if (c == null || c.isNull()) {
            errors.add(new FieldError("calibration", "is required, with lastCalibratedAt and intervalDays"));
            return;
        }
        if (!c.isObject()) {
            errors.add(new FieldError("calibration", "must be an object"));
            return;
        }
        unknownFields(c, CALIBRATION, "calibration.", errors);
        ObjectNode o = out.putObject("calibration");
        JsonNode at = c.get("lastCalibratedAt");
        if (at == null || at.isNull()) {
            errors.add(new FieldError("calibration.lastCalibratedAt", "is required (ISO-8601 UTC time)"));
        } else {
            try {
                o.put("lastCalibratedAt", Instant.parse(at.asText()).toString());
                if (!at.isTextual()) {
                    throw new DateTimeParseException("not text", at.toString(), 0);
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("calibration.lastCalibratedAt",
                        "must be an ISO-8601 UTC time such as 2026-05-02T08:00:00Z"));
            }
        }
        JsonNode days = c.get("intervalDays");
        if (days == null || days.isNull()) {
            errors.add(new FieldError("calibration.intervalDays", "is required: a whole number of days, 1 to 1825"));
        } else if (!days.canConvertToExactIntegral() || !days.isNumber() || days.asLong() < 1 || days.asLong() > 1825) {
            errors.add(new FieldError("calibration.intervalDays", "must be a whole number of days, 1 to 1825"));
        } else {
            o.put("intervalDays", days.asInt());
        }
        range(c, o, "flowCorrectionFactor", 0.8, 1.2, 1.0, errors);
        range(c, o, "conductivityOffsetMsCm", -2.0, 2.0, 0.0, errors);
        range(c, o, "temperatureOffsetC", -2.0, 2.0, 0.0, errors);
        // api-v1.md v1.1: meaningful for pumps and accepted for any device, -30.0 to 30.0, default 0.
        range(c, o, "pressureOffsetMmHg", -30.0, 30.0, 0.0, errors);
    }

    private static void range(JsonNode c, ObjectNode o, String name, double min, double max, double fallback,
            List<FieldError> errors) {
        JsonNode v = c.get(name);
        if (v == null || v.isNull()) {
            o.put(name, fallback);
        } else if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < min || v.asDouble() > max) {
            errors.add(new FieldError("calibration." + name, "must be a number from " + min + " to " + max));
        } else {
            o.set(name, v);
        }
    }

    private static void thresholds(JsonNode t, String deviceType, ObjectNode out, List<FieldError> errors) {
        if (t == null || t.isNull()) {
            return;
        }
        if (!t.isObject()) {
            errors.add(new FieldError("thresholds", "must be an object of alert types"));
            return;
        }
        Map<String, Set<String>> allowed = new LinkedHashMap<>();
        if (!"dialysis".equals(deviceType)) {
            allowed.putAll(PUMP_THRESHOLDS);
        }
        if (!"infusion_pump".equals(deviceType)) {
            DIALYSIS_THRESHOLDS.forEach(allowed::putIfAbsent);
        }
        String forType = deviceType == null ? "" : " for a " + deviceType.replace('_', ' ');
        ObjectNode o = out.putObject("thresholds");
        for (Map.Entry<String, JsonNode> type : t.properties()) {
            String path = "thresholds." + type.getKey();
            Set<String> names = allowed.get(type.getKey());
            if (names == null) {
                errors.add(new FieldError(path, "is not an alert type with thresholds" + forType
                        + "; allowed: " + allowed.keySet().stream().sorted().toList()));
                continue;
            }
            if (!type.getValue().isObject()) {
                errors.add(new FieldError(path, "must be an object of threshold names"));
                continue;
            }
            ObjectNode typeOut = o.putObject(type.getKey());
            for (Map.Entry<String, JsonNode> v : type.getValue().properties()) {
                if (!names.contains(v.getKey())) {
                    errors.add(new FieldError(path + "." + v.getKey(),
                            "is not a threshold of " + type.getKey() + "; allowed: " + names.stream().sorted().toList()));
                } else if (!v.getValue().isNumber() || !Double.isFinite(v.getValue().asDouble())
                        || v.getValue().asDouble() <= 0) {
                    errors.add(new FieldError(path + "." + v.getKey(), "must be a number greater than 0"));
                } else {
                    typeOut.set(v.getKey(), v.getValue());
                }
            }
        }
    }

    private static void firmware(JsonNode f, ObjectNode out, List<FieldError> errors) {
        if (f == null || f.isNull()) {
            return;
        }
        if (!f.isObject()) {
            errors.add(new FieldError("firmware", "must be an object"));
            return;
        }
        unknownFields(f, FIRMWARE, "firmware.", errors);
        String v = text(f, "targetVersion", "firmware.targetVersion", "[0-9A-Za-z.+-]{1,32}",
                "must be 1 to 32 of 0-9 A-Z a-z . + -", false, errors);
        ObjectNode o = out.putObject("firmware");
        if (v != null) {
            o.put("targetVersion", v);
        }
    }

    private static String text(JsonNode parent, String name, String path, String regex, String message,
            boolean required, List<FieldError> errors) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(new FieldError(path, message));
            }
            return null;
        }
        if (!v.isTextual() || !v.asText().matches(regex)) {
            errors.add(new FieldError(path, message));
            return null;
        }
        return v.asText();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<FieldError> errors) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new FieldError(prefix + (name.length() > 64 ? name.substring(0, 64) : name),
                        "is not a field of the settings document"));
            }
        }
    }
}
