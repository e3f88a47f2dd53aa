package vigil.consumer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A telemetry JSON-lines file (for example {@code ./vigil sim ... --fast --out F}) loaded into memory for the engine
 * benchmark, optionally transformed, all seeded:
 * <ul>
 *   <li><b>shuffled fields</b> ({@link #shuffleFields}): every collector writes the envelope fields and the metric
 *       keys in its own stable random order. The collector here is the device (the finest grain: a per-collector
 *       order of a real fleet is at most as varied). Values, types and number spellings are kept, so every line is
 *       still valid telemetry-v1 and decodes to the same record as before.</li>
 *   <li><b>faults</b> ({@link #addFaults}): about 0.5 % malformed lines (truncated: NOT_JSON; {@code seq} as a
 *       string: WRONG_TYPE; a metric out of range: OUT_OF_RANGE), about 0.5 % duplicates (a copy of the device's
 *       previous line, as a collector's retry sends it) and a few records with {@code ts} one hour ahead
 *       (FUTURE_TIMESTAMP).</li>
 * </ul>
 */
final class BenchFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One line in this many gets a future timestamp: about 18 in the 1.8 M lines of a 900 s file. */
    private static final int FUTURE_EVERY = 100_000;
    static final long FUTURE_AHEAD_MILLIS = 3_600_000;

    private BenchFile() {}

    /** The file's lines (without their newlines). */
    static List<byte[]> read(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            List<byte[]> lines = new ArrayList<>(all.length / 400);
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == '\n') {
                    if (i > start) {
                        lines.add(java.util.Arrays.copyOfRange(all, start, i));
                    }
                    start = i + 1;
                }
            }
            if (start < all.length) {
                lines.add(java.util.Arrays.copyOfRange(all, start, all.length));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * Each line's envelope fields and metric keys in the order of its device: a stable random rank per (seed,
     * deviceId, field name), so a device keeps its order across records whatever optional fields it sends.
     */
    static List<byte[]> shuffleFields(List<byte[]> lines, long seed) {
        List<byte[]> out = new ArrayList<>(lines.size());
        vigil.telemetry.TelemetryDecoder inOrder = new vigil.telemetry.TelemetryDecoder();
        vigil.telemetry.TelemetryDecoder shuffled = new vigil.telemetry.TelemetryDecoder();
        for (byte[] line : lines) {
            byte[] s = shuffle(line, seed);
            // Self-check: the shuffled line decodes to exactly what the original line decodes to.
            if (!inOrder.decode(line, Long.MAX_VALUE / 2).equals(shuffled.decode(s, Long.MAX_VALUE / 2))) {
                throw new IllegalStateException("a shuffled line decodes differently: " + new String(s,
                        StandardCharsets.UTF_8));
            }
            out.add(s);
        }
        return out;
    }

    static byte[] shuffle(byte[] line, long seed) {
        try {
            ObjectNode envelope = (ObjectNode) JSON.readTree(line);
            String collector = envelope.path("deviceId").asText("");
            ObjectNode shuffled = reorder(envelope, collector, seed);
            JsonNode m = envelope.get("m");
            if (m instanceof ObjectNode metrics) {
                shuffled.set("m", reorder(metrics, collector, seed ^ 0x6d6d6d6dL));
            }
            return JSON.writeValueAsBytes(shuffled);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object: a generated line", e);
        }
    }

    private static ObjectNode reorder(ObjectNode node, String collector, long seed) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
        fields.sort(Comparator.comparingLong(e -> rank(seed, collector, e.getKey())));
        ObjectNode out = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> e : fields) {
            out.set(e.getKey(), e.getValue());
        }
        return out;
    }

    private static long rank(long seed, String collector, String name) {
        long h = seed * 0x9E3779B97F4A7C15L + collector.hashCode();
        h = h * 0x9E3779B97F4A7C15L + name.hashCode();
        return new Random(h).nextLong(); // Random's scrambler mixes the bits; one per field and device
    }

    /**
     * Adds seeded faults: a malformed copy replaces about 0.5 % of the lines, a duplicate of the device's previous
     * line follows about 0.5 %, and one line in {@value #FUTURE_EVERY} gets a ts one hour ahead.
     */
    static List<byte[]> addFaults(List<byte[]> lines, long seed) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>(lines.size() + lines.size() / 100);
        Map<String, byte[]> previous = new java.util.HashMap<>();
        for (byte[] line : lines) {
            String text = new String(line, StandardCharsets.UTF_8);
            String deviceId = deviceId(text);
            int roll = random.nextInt(1000);
            if (roll < 5) {
                out.add(malformed(text, random));
                continue;
            }
            if (random.nextInt(FUTURE_EVERY) == 0) {
                out.add(future(text));
                continue;
            }
            out.add(line);
            byte[] before = previous.put(deviceId, line);
            if (roll >= 5 && roll < 10 && before != null) {
                out.add(before); // a retried earlier record of the device: a duplicate (deviceId, seq)
            }
        }
        return out;
    }

    private static String deviceId(String line) {
        int i = line.indexOf("\"deviceId\":\"");
        if (i < 0) {
            return "";
        }
        int start = i + 12;
        return line.substring(start, line.indexOf('"', start));
    }

    private static byte[] malformed(String line, Random random) {
        String bad = switch (random.nextInt(3)) {
            case 0 -> line.substring(0, line.length() / 2); // truncated: NOT_JSON
            case 1 -> line.replaceFirst("\"seq\":", "\"seq\":\"x"); // a string where an integer goes: WRONG_TYPE
            default -> line.replaceFirst("\"batteryPct\":[-0-9.eE]+", "\"batteryPct\":250")
                    .replaceFirst("\"filterHours\":[-0-9.eE]+", "\"filterHours\":-1"); // OUT_OF_RANGE
        };
        return bad.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] future(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"ts\":([0-9]+)").matcher(line);
        if (!m.find()) {
            return line.getBytes(StandardCharsets.UTF_8);
        }
        long ts = Long.parseLong(m.group(1)) + FUTURE_AHEAD_MILLIS;
        return (line.substring(0, m.start(1)) + ts + line.substring(m.end(1))).getBytes(StandardCharsets.UTF_8);
    }

    /** The file as it is, in the benchmark's in-memory layout (no copy per line). */
    static BenchData load(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        if (all.length > 0 && all[all.length - 1] != '\n') {
            all = java.util.Arrays.copyOf(all, all.length + 1);
            all[all.length - 1] = '\n';
        }
        int lines = 0;
        for (byte b : all) {
            lines += b == '\n' ? 1 : 0;
        }
        int[] offsets = new int[lines + 1];
        long[] sizes = new long[4];
        int n = 0;
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                offsets[n++] = start;
                boolean pump = indexOf(all, start, i, PUMP) >= 0;
                sizes[pump ? 0 : 2] += i - start;
                sizes[pump ? 1 : 3]++;
                start = i + 1;
            }
        }
        offsets[n] = all.length;
        return BenchData.of(all, offsets, n, sizes);
    }

    /** Lines to the benchmark's in-memory layout: one buffer, each line followed by '\n'. */
    static BenchData toBenchData(List<byte[]> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(lines.size() * 520);
        int[] offsets = new int[lines.size() + 1];
        long[] sizes = new long[4];
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            offsets[i] = out.size();
            out.write(line, 0, line.length);
            out.write('\n');
            boolean pump = indexOf(line, 0, line.length, PUMP) >= 0;
            sizes[pump ? 0 : 2] += line.length;
            sizes[pump ? 1 : 3]++;
        }
        offsets[lines.size()] = out.size();
        return BenchData.of(out.toByteArray(), offsets, lines.size(), sizes);
    }

    private static final byte[] PUMP = "\"infusion_pump\"".getBytes(StandardCharsets.US_ASCII);

    private static int indexOf(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
