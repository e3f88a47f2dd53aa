package vigil.telemetry;

import java.nio.charset.StandardCharsets;

/**
 * The decoder's strings ({@code deviceId}, {@code model}, {@code collectorId}, {@code careUnit}, {@code fw},
 * {@code infusionId}) repeat from record to record. This cache returns the {@code String} it made the last time the
 * same characters were read into the same entry, so that a steady stream allocates no strings and the records kept
 * by the consumer share one instance per distinct value (a fleet has few models, collectors, care units and firmware
 * versions; a device keeps its id). Direct-mapped by a hash of the characters; a collision replaces the entry, so
 * the cache holds at most {@link #ENTRIES} strings, each at most {@link #MAX_CHARS} characters: bounded whatever the
 * input.
 *
 * <p><b>Threading contract.</b> Confined to its owning {@link TelemetryDecoder}: one logical writer, serial calls.
 */
final class StringCache {
    static final int ENTRIES = 4096;
    /** Longer strings are not cached (every known string field of a valid record is at most 64 characters). */
    static final int MAX_CHARS = 64;

    private final String[] strings = new String[ENTRIES];
    private final char[][] keys = new char[ENTRIES][]; // the characters of strings[i], compared without String calls

    /** A string equal to {@code chars[offset, offset + length)}: a cached one when it is there. */
    String get(char[] chars, int offset, int length) {
        if (length > MAX_CHARS) {
            return new String(chars, offset, length);
        }
        int h = length;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + chars[i];
        }
        int index = (h ^ (h >>> 12)) & (ENTRIES - 1);
        char[] key = keys[index];
        if (key != null && equal(key, chars, offset, length)) {
            return strings[index];
        }
        String s = new String(chars, offset, length);
        keys[index] = java.util.Arrays.copyOfRange(chars, offset, offset + length);
        strings[index] = s;
        return s;
    }

    /**
     * As {@link #get(char[], int, int)} for ASCII bytes (the caller checked: every byte below 0x80), which are their
     * own characters: the same entry and the same string as the characters would give.
     */
    String getAscii(byte[] bytes, int offset, int length) {
        if (length > MAX_CHARS) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
        int h = length;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        int index = (h ^ (h >>> 12)) & (ENTRIES - 1);
        char[] key = keys[index];
        if (key != null && key.length == length) {
            int i = 0;
            while (i < length && key[i] == bytes[offset + i]) {
                i++;
            }
            if (i == length) {
                return strings[index];
            }
        }
        String s = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        keys[index] = s.toCharArray();
        strings[index] = s;
        return s;
    }

    private static boolean equal(char[] key, char[] chars, int offset, int length) {
        if (key.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (key[i] != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
