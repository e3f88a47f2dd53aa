package vigil.dashboard.auth;

import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The verified caller, taken from a token's claims.
 *
 * @param subject    the {@code sub} claim (user or collector id)
 * @param roles      the known roles of the {@code roles} claim; unknown names are dropped, so this may be empty
 * @param careUnits  the {@code careUnits} claim (caregivers), empty when absent
 * @param deviceIds  the {@code deviceIds} claim (collectors), empty when absent; {@code *} means every device
 */
public record Principal(String subject, Set<Role> roles, Set<String> careUnits, Set<String> deviceIds) {
    public static final String ALL_DEVICES = "*";

    public Principal {
        Objects.requireNonNull(subject, "subject");
        roles = Set.copyOf(roles);
        careUnits = Set.copyOf(careUnits);
        deviceIds = Set.copyOf(deviceIds);
    }

    /** The known roles as written to the audit log: claim names joined by {@code ,}, or {@code none}. */
    public String rolesForAudit() {
        if (roles.isEmpty()) {
            return "none";
        }
        return roles.stream().map(Role::claimName).sorted().collect(Collectors.joining(","));
    }
}
