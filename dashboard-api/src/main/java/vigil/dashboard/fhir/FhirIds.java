package vigil.dashboard.fhir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Logical ids of the FHIR resources. A FHIR id is {@code [A-Za-z0-9\-\.]{1,64}}; a Vigil deviceId may also hold
 * {@code _}, so such a device (and any id that would be too long) gets a deterministic hashed id instead. Ids are
 * stable: the same record always maps to the same id, so a re-imported export replaces rather than duplicates.
 */
public final class FhirIds {
    /** FHIR R4 id datatype. */
    public static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    /** Identifier systems: the deviceId, the alertId and the care unit as Vigil names them. */
    public static final String DEVICE_ID_SYSTEM = "urn:vigil:fhir:device-id";
    public static final String ALERT_ID_SYSTEM = "urn:vigil:fhir:alert-id";
    public static final String CARE_UNIT_SYSTEM = "urn:vigil:fhir:care-unit";

    private FhirIds() {}

    /** The Device id: the deviceId itself when it is a valid FHIR id, else {@code d-} and 40 hex digits of a SHA-256. */
    public static String device(String deviceId) {
        return FHIR_ID.matcher(deviceId).matches() ? deviceId : hashed("d", deviceId);
    }

    /** The DetectedIssue id of an alert, by the same rule. */
    public static String alert(String alertId) {
        return FHIR_ID.matcher(alertId).matches() ? alertId : hashed("a", alertId);
    }

    /** The DeviceMetric id of a device's channel. */
    public static String metric(String deviceId, String channel) {
        return hashed("m", deviceId + '|' + channel);
    }

    /** The Observation id of a device's channel at one device time. */
    public static String observation(String deviceId, String channel, long tsMillis) {
        return hashed("o", deviceId + '|' + channel + '|' + tsMillis);
    }

    private static String hashed(String kind, String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((kind + ':' + text).getBytes(StandardCharsets.UTF_8));
            return kind + '-' + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
