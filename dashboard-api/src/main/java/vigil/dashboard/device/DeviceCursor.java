package vigil.dashboard.device;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Position after the last item of a device list page, in the list order (newest {@code lastArrivalAt} first, then
 * deviceId ascending). Opaque to clients: base64url of {@code v1:<lastArrivalMillis>:<deviceId>}. A keyset cursor
 * stays valid while devices update; a device whose arrival time moves past the cursor while a client pages is seen
 * again on the first page, not twice on later ones.
 */
record DeviceCursor(long lastArrivalMillis, String deviceId) {
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String VERSION = "v1:";

    static DeviceCursor after(DeviceState last) {
        return new DeviceCursor(last.lastArrivalMillis(), last.deviceId());
    }

    String encode() {
        String raw = VERSION + lastArrivalMillis + ":" + deviceId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor, or empty when the text is not one this service produced. */
    static Optional<DeviceCursor> decode(String text) {
        if (text.length() > 256) {
            return Optional.empty();
        }
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!raw.startsWith(VERSION)) {
            return Optional.empty();
        }
        int colon = raw.indexOf(':', VERSION.length());
        if (colon < 0) {
            return Optional.empty();
        }
        String id = raw.substring(colon + 1);
        try {
            long millis = Long.parseLong(raw.substring(VERSION.length(), colon));
            return DEVICE_ID.matcher(id).matches() ? Optional.of(new DeviceCursor(millis, id)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether a device comes after this position in list order. */
    boolean precedes(DeviceState s) {
        return s.lastArrivalMillis() < lastArrivalMillis
                || (s.lastArrivalMillis() == lastArrivalMillis && s.deviceId().compareTo(deviceId) > 0);
    }
}
