package vigil.dashboard.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Position after the last item of a page ordered by a number descending, then an id ascending (alerts: raisedTs and
 * alertId; audit: entry time and key). Opaque to clients: base64url of {@code k1:<number>:<id>}.
 */
public record KeysetCursor(long number, String id) {
    private static final String VERSION = "k1:";

    public String encode() {
        String raw = VERSION + number + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor, or null when the text is not one this service produced. */
    public static KeysetCursor decode(String text) {
        if (text.length() > 400) {
            return null;
        }
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!raw.startsWith(VERSION)) {
            return null;
        }
        int colon = raw.indexOf(':', VERSION.length());
        if (colon < 0 || colon == raw.length() - 1) {
            return null;
        }
        try {
            return new KeysetCursor(Long.parseLong(raw.substring(VERSION.length(), colon)), raw.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether an item with this number and id comes after this position (number descending, id ascending). */
    public boolean precedes(long itemNumber, String itemId) {
        return itemNumber < number || (itemNumber == number && itemId.compareTo(id) > 0);
    }
}
