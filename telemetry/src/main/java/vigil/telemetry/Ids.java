package vigil.telemetry;

/** Pattern checks of telemetry-v1 identifiers, written out as character tests (no regex on the hot path). */
public final class Ids {
    /** telemetry-v1.md {@code deviceId}, as a regular expression for callers that need one (whole-value match). */
    public static final String DEVICE_ID_REGEX = "[A-Za-z0-9][A-Za-z0-9._-]{2,63}";
    /** telemetry-v1.md {@code careUnit}, as a regular expression (whole-value match). */
    public static final String CARE_UNIT_REGEX = "[A-Za-z0-9._-]{1,32}";
    /** telemetry-v1.md {@code m.infusionId} (v1.1), as a regular expression (whole-value match). */
    public static final String INFUSION_ID_REGEX = "[A-Za-z0-9._:-]{1,64}";

    private Ids() {}

    /** {@code ^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$} (telemetry-v1.md, {@code deviceId}). */
    public static boolean isDeviceId(String s) {
        int n = s.length();
        if (n < 3 || n > 64 || !isAlnum(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            if (!isIdChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code ^[A-Za-z0-9._-]{1,32}$} (telemetry-v1.md, {@code careUnit}). */
    public static boolean isCareUnit(String s) {
        int n = s.length();
        if (n < 1 || n > 32) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isIdChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code ^[A-Za-z0-9._:-]{1,64}$} (telemetry-v1.md, pump metric {@code infusionId}, v1.1). */
    public static boolean isInfusionId(String s) {
        int n = s.length();
        if (n < 1 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!isIdChar(c) && c != ':') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isIdChar(char c) {
        return isAlnum(c) || c == '.' || c == '_' || c == '-';
    }
}
