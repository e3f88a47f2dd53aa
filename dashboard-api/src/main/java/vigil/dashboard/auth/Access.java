package vigil.dashboard.auth;

import java.util.Objects;
import java.util.Set;

/**
 * An admitted caller of one route: who it is and which of its roles the route admitted. Decides resource scope:
 * a device outside the scope must be answered exactly like an unknown one (404), so existence is not revealed.
 *
 * @param principal     the verified caller
 * @param admittedRoles the caller's roles that the route's {@link AccessRule} admits; never empty
 */
public record Access(Principal principal, Set<Role> admittedRoles) {
    public Access {
        Objects.requireNonNull(principal, "principal");
        admittedRoles = Set.copyOf(admittedRoles);
        if (admittedRoles.isEmpty()) {
            throw new IllegalArgumentException("an Access has at least one admitted role");
        }
    }

    /**
     * Whether the caller may see this device: device admins see all; caregivers see devices whose care unit is in
     * their {@code careUnits} (a device without a care unit is seen by no caregiver); collectors see the devices in
     * their {@code deviceIds} or all with {@code *}. Any admitted role that grants it is enough.
     *
     * @param careUnit the device's care unit, or {@code null} when unknown
     */
    public boolean canSeeDevice(String deviceId, String careUnit) {
        for (Role role : admittedRoles) {
            boolean visible =
                    switch (role) {
                        case DEVICE_ADMIN -> true;
                        case CAREGIVER -> careUnit != null && principal.careUnits().contains(careUnit);
                        case COLLECTOR -> principal.deviceIds().contains(Principal.ALL_DEVICES)
                                || principal.deviceIds().contains(deviceId);
                        case AUDITOR -> false;
                    };
            if (visible) {
                return true;
            }
        }
        return false;
    }
}
