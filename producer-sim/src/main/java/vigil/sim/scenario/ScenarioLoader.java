package vigil.sim.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vigil.telemetry.DeviceType;

/**
 * Reads scenario files (YAML, or JSON which YAML includes) into {@link Scenario}s, strictly: an unknown key, a
 * missing value or a bad one is an error naming where it is ({@code faults[2].pct}), so that a typo never runs a
 * silently different scenario. docs/scenarios.md describes the format.
 */
public final class ScenarioLoader {
    /** The ready-made scenarios on the class path under {@code scenarios/NAME.yaml}. */
    public static final List<String> BUILT_IN = List.of(
            "quiet-ward", "busy-ward", "busy-ward-24h", "soak",
            "flow-drift", "pressure-offset", "conductivity-drift", "temperature-drift", "calibration-overdue",
            "infusion-near-end", "battery-depletion", "concentrate-low", "filter-life", "device-offline",
            "data-quality", "stream-faults");

    /** Device time of the first record when a scenario gives no {@code start} (and of plain runs to a file). */
    public static final Instant DEFAULT_START = Instant.parse("2026-11-22T08:00:00Z");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ScenarioLoader() {}

    /** A ready-made scenario by name ({@link #BUILT_IN}), or a file path; a path that exists wins. */
    public static Scenario load(String nameOrFile) throws IOException {
        Path file = Path.of(nameOrFile);
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return parse(in, file.getFileName().toString());
            }
        }
        String resource = "scenarios/" + nameOrFile + ".yaml";
        try (InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no scenario file '" + nameOrFile + "' and no ready-made scenario"
                        + " of that name; ready-made: " + String.join(", ", BUILT_IN));
            }
            return parse(in, nameOrFile);
        }
    }

    /** Parses one scenario document; {@code source} names it in error messages. */
    public static Scenario parse(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = YAML.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid YAML/JSON: " + e.getOriginalMessage());
        }
        try {
            return scenario(root, source);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static Scenario scenario(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the document must be a mapping");
        }
        keys(root, "", "name", "description", "seed", "start", "interval", "duration", "collectorId", "devices",
                "faults", "settings");
        String name = root.has("name") ? text(root, "name", "") : source;
        List<DeviceGroup> groups = new ArrayList<>();
        JsonNode devices = array(root, "devices", "");
        for (int i = 0; i < devices.size(); i++) {
            groups.add(group(devices.get(i), "devices[" + i + "]"));
        }
        Map<String, DeviceGroup> byName = new HashMap<>();
        for (DeviceGroup g : groups) {
            byName.put(g.name(), g);
        }
        List<Fault> faults = new ArrayList<>();
        if (root.has("faults")) {
            JsonNode list = array(root, "faults", "");
            for (int i = 0; i < list.size(); i++) {
                faults.add(fault(list.get(i), "faults[" + i + "]", byName));
            }
        }
        Scenario.SettingsPolling settings = null;
        if (root.has("settings")) {
            JsonNode s = root.get("settings");
            keys(s, "settings.", "pollInterval", "devices", "group", "count");
            settings = new Scenario.SettingsPolling(
                    s.has("pollInterval") ? duration(s, "pollInterval", "settings.") : Duration.ofSeconds(10),
                    targets(s, "settings.", byName));
        }
        return new Scenario(
                name,
                root.has("description") ? text(root, "description", "") : "",
                root.has("seed") ? root.get("seed").asLong() : 1L,
                root.has("start") ? instant(root, "start") : DEFAULT_START,
                root.has("interval") ? duration(root, "interval", "") : Duration.ofSeconds(1),
                duration(root, "duration", ""),
                root.has("collectorId") ? text(root, "collectorId", "") : "SIM-EDGE-01",
                groups,
                faults,
                settings);
    }

    private static DeviceGroup group(JsonNode node, String where) {
        keys(node, where + ".", "group", "type", "count", "prefix", "careUnits");
        String typeName = text(node, "type", where + ".");
        DeviceType type = switch (typeName) {
            case "infusion_pump", "pump" -> DeviceType.INFUSION_PUMP;
            case "dialysis" -> DeviceType.DIALYSIS;
            default -> throw new IllegalArgumentException(where + ".type: 'infusion_pump' or 'dialysis', was '"
                    + typeName + "'");
        };
        String prefix = node.has("prefix") ? text(node, "prefix", where + ".")
                : type == DeviceType.INFUSION_PUMP ? "PUMP" : "DIAL";
        String name = node.has("group") ? text(node, "group", where + ".") : prefix;
        List<String> units = new ArrayList<>();
        if (node.has("careUnits")) {
            for (JsonNode u : array(node, "careUnits", where + ".")) {
                units.add(u.asText());
            }
        }
        return new DeviceGroup(name, type, (int) number(node, "count", where + ".", 1, 100_000), prefix, units);
    }

    private static Fault fault(JsonNode node, String where, Map<String, DeviceGroup> groups) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + " must be a mapping");
        }
        FaultKind kind;
        try {
            kind = FaultKind.fromWireName(text(node, "type", where + "."));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".type: " + e.getMessage());
        }
        List<String> allowed = new ArrayList<>(List.of("type", "at", "for", "devices", "group", "count"));
        allowed.addAll(kind.requiredParameters());
        allowed.addAll(kind.optionalParameters());
        if (kind == FaultKind.MALFORMED || kind == FaultKind.DUPLICATE || kind == FaultKind.REORDER
                || kind == FaultKind.LATE) {
            allowed.remove("count"); // 'count' is the fault's own parameter here; target with devices or group
        }
        keys(node, where + ".", allowed.toArray(String[]::new));
        Map<String, Double> params = new HashMap<>();
        for (String p : kind.requiredParameters()) {
            params.put(p, number(node, p, where + ".", -1e9, 1e9));
        }
        for (String p : kind.optionalParameters()) {
            if (node.has(p)) {
                params.put(p, number(node, p, where + ".", -1e9, 1e9));
            }
        }
        boolean countIsTarget = !kind.requiredParameters().contains("count");
        try {
            return new Fault(kind, duration0(node, "at", where + "."),
                    node.has("for") ? duration(node, "for", where + ".") : null,
                    countIsTarget ? targets(node, where + ".", groups) : targetsWithoutCount(node, where + ".", groups),
                    params);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    /** {@code devices: [ids]}, or {@code group: name} with an optional {@code count} (the group's first N). */
    private static List<String> targets(JsonNode node, String where, Map<String, DeviceGroup> groups) {
        if (node.has("devices")) {
            if (node.has("group")) {
                throw new IllegalArgumentException(where + "devices and group: give one");
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode id : array(node, "devices", where)) {
                ids.add(id.asText());
            }
            return ids;
        }
        DeviceGroup g = groups.get(text(node, "group", where));
        if (g == null) {
            throw new IllegalArgumentException(where + "group: no device group '" + node.get("group").asText() + "'");
        }
        int count = node.has("count") ? (int) number(node, "count", where, 1, g.count()) : g.count();
        return g.deviceIds().subList(0, count);
    }

    private static List<String> targetsWithoutCount(JsonNode node, String where, Map<String, DeviceGroup> groups) {
        if (node.has("devices")) {
            return targets(node, where, groups);
        }
        DeviceGroup g = groups.get(text(node, "group", where));
        if (g == null) {
            throw new IllegalArgumentException(where + "group: no device group '" + node.get("group").asText() + "'");
        }
        return g.deviceIds();
    }

    private static void keys(JsonNode node, String where, String... allowed) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException((where.isEmpty() ? "value" : where) + " must be a mapping");
        }
        Set<String> known = new LinkedHashSet<>(List.of(allowed));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(where + key + ": unknown key; expected one of " + known);
            }
        }
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isValueNode() || v.isNull()) {
            throw new IllegalArgumentException(where + key + ": a text value is required");
        }
        return v.asText();
    }

    private static JsonNode array(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException(where + key + ": a list is required");
        }
        return v;
    }

    private static double number(JsonNode node, String key, String where, double min, double max) {
        JsonNode v = node.get(key);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException(where + key + ": a number is required");
        }
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(where + key + ": must be " + min + ".." + max + ", was " + d);
        }
        return d;
    }

    private static Instant instant(JsonNode node, String key) {
        try {
            return Instant.parse(text(node, key, ""));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": an ISO-8601 UTC time is required, e.g. 2026-11-22T08:00:00Z");
        }
    }

    private static Duration duration(JsonNode node, String key, String where) {
        Duration d = duration0(node, key, where);
        if (d.isZero()) {
            throw new IllegalArgumentException(where + key + ": must be positive");
        }
        return d;
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}, {@code 500ms}, a bare number of seconds, or ISO-8601 {@code PT2M}. */
    private static Duration duration0(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isValueNode()) {
            throw new IllegalArgumentException(where + key + ": a duration is required (e.g. 90s, 5m)");
        }
        String text = v.asText().trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(text);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m" -> amount * 60_000;
                default -> amount * 3_600_000;
            };
            return Duration.ofMillis((long) millis);
        }
        try {
            Duration d = Duration.parse(text.toUpperCase(Locale.ROOT));
            if (d.isNegative()) {
                throw new IllegalArgumentException(where + key + ": must not be negative");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + key + ": '" + v.asText() + "' is not a duration (e.g. 90s, 5m)");
        }
    }
}
