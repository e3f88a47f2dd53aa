package vigil.dashboard.auth;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which roles a route admits. A caller holding none of them gets 403; which resources an admitted caller may see is
 * decided per resource by {@link Access}. Immutable.
 */
public final class AccessRule {
    private final Set<Role> allowed;

    private AccessRule(Set<Role> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    public static AccessRule rolesAllowed(Role first, Role... more) {
        return new AccessRule(EnumSet.of(Objects.requireNonNull(first), more));
    }

    /** The caller's roles this rule admits; empty means the request is forbidden. */
    public Set<Role> admittedRoles(Principal principal) {
        Set<Role> admitted = EnumSet.noneOf(Role.class);
        for (Role role : principal.roles()) {
            if (allowed.contains(role)) {
                admitted.add(role);
            }
        }
        return admitted;
    }

    /** The role reported in the audit log for an admitted caller: the broadest one, in declaration order. */
    static Optional<Role> auditRole(Set<Role> admitted) {
        if (admitted.contains(Role.DEVICE_ADMIN)) {
            return Optional.of(Role.DEVICE_ADMIN);
        }
        return admitted.stream().sorted().findFirst();
    }

    @Override
    public String toString() {
        return "AccessRule" + allowed;
    }
}
