package vigil.dashboard.auth;

import java.util.Optional;

/** The roles of api-v1.md, under their claim names. */
public enum Role {
    /** Reads devices and alerts of the care units in its {@code careUnits} claim. */
    CAREGIVER("caregiver"),
    /** Reads all devices; reads and writes settings. */
    DEVICE_ADMIN("device-admin"),
    /** Reads the settings of the devices in its {@code deviceIds} claim. */
    COLLECTOR("collector"),
    /** Reads the audit log. */
    AUDITOR("auditor");

    private final String claimName;

    Role(String claimName) {
        this.claimName = claimName;
    }

    /** The name in the token's {@code roles} claim, e.g. {@code device-admin}. */
    public String claimName() {
        return claimName;
    }

    /** The role with that claim name, or empty for a name this version does not know. */
    public static Optional<Role> fromClaim(String name) {
        for (Role role : values()) {
            if (role.claimName.equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
