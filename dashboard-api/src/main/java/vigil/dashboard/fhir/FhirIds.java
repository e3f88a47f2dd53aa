package vigil.dashboard.fhir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Logical ids of the FHIR resources. A FHIR id is {@code [A-Za-z0-9\-\.]{1,64}}; Vigil deviceIds and alertIds
 * may also hold {@code _} (every alertId does: it holds the alert type). Such an id is escaped reversibly: a leading
 * {@code -} (no Vigil id starts with one), then {@code -} written as {@code -0} and {@code _} as {@code -1}. An id
 * still too long after escaping gets a hashed id ({@code .} + kind + 40 hex digits of a SHA-256), which can be
 * found by search but not read by id. Ids are stable: the same record always maps to the same id, so a re-imported
 * export replaces rather than duplicates.
 */
public final class FhirIds {
    /** FHIR R4 id datatype. */
    public static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    /** Identifier systems: the deviceId, the alertId and the care unit as Vigil names them. */
    public static final String DEVICE_ID_SYSTEM = "urn:vigil:fhir:device-id";
    public static final String ALERT_ID_SYSTEM = "urn:vigil:fhir:alert-id";
    public static final String CARE_UNIT_SYSTEM = "urn:vigil:fhir:care-unit";

    private FhirIds() {}

    /** The Device id of a deviceId. */
    public static String device(String deviceId) {
        return encode("d", deviceId);
    }

    /** The DetectedIssue id of an alertId. */
    public static String alert(String alertId) {
        return encode("a", alertId);
    }

    /** The Vigil id a Device or DetectedIssue id stands for; empty for hashed or malformed ids. */
    public static Optional<String> decode(String fhirId) {
        if (fhirId.isEmpty() || fhirId.startsWith(".")) {
            return Optional.empty();
        }
        if (!fhirId.startsWith("-")) {
            return Optional.of(fhirId);
        }
        StringBuilder out = new StringBuilder(fhirId.length());
        for (int i = 1; i < fhirId.length(); i++) {
            char c = fhirId.charAt(i);
            if (c != '-') {
                out.append(c);
            } else if (i + 1 < fhirId.length() && (fhirId.charAt(i + 1) == '0' || fhirId.charAt(i + 1) == '1')) {
                out.append(fhirId.charAt(++i) == '0' ? '-' : '_');
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(out.toString());
    }

    /** The DeviceMetric id of a device's channel. */
    public static String metric(String deviceId, String channel) {
        return hashed("m", deviceId + '|' + channel);
    }

    /** The Observation id of a device's channel at one device time. */
    public static String observation(String deviceId, String channel, long tsMillis) {
        return hashed("o", deviceId + '|' + channel + '|' + tsMillis);
    }

    private static String encode(String kind, String id) {
        if (FHIR_ID.matcher(id).matches()) {
            return id;
        }
        String escaped = "-" + id.replace("-", "-0").replace("_", "-1");
        return FHIR_ID.matcher(escaped).matches() ? escaped : hashed(kind, id);
    }

    private static String hashed(String kind, String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((kind + ':' + text).getBytes(StandardCharsets.UTF_8));
            return "." + kind + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
