package vigil.dashboard.auth;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a minted token says. Role names are plain strings so that tests can mint tokens with unknown roles.
 *
 * @param subject    {@code sub}
 * @param roles      {@code roles} claim names, e.g. {@code caregiver}
 * @param careUnits  {@code careUnits}; omitted from the token when empty
 * @param deviceIds  {@code deviceIds}; omitted when empty; {@code *} for all devices
 * @param ttl        lifetime from the issue time to {@code exp}
 */
public record TokenSpec(String subject, List<String> roles, List<String> careUnits, List<String> deviceIds, Duration ttl) {
    public static final Duration DEFAULT_TTL = Duration.ofHours(8);

    public TokenSpec {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        roles = List.copyOf(roles);
        careUnits = List.copyOf(careUnits);
        deviceIds = List.copyOf(deviceIds);
        Objects.requireNonNull(ttl, "ttl");
    }

    public static TokenSpec caregiver(String subject, String... careUnits) {
        return new TokenSpec(subject, List.of(Role.CAREGIVER.claimName()), List.of(careUnits), List.of(), DEFAULT_TTL);
    }

    public static TokenSpec deviceAdmin(String subject) {
        return of(subject, Role.DEVICE_ADMIN.claimName());
    }

    public static TokenSpec collector(String subject, String... deviceIds) {
        return new TokenSpec(subject, List.of(Role.COLLECTOR.claimName()), List.of(), List.of(deviceIds), DEFAULT_TTL);
    }

    public static TokenSpec auditor(String subject) {
        return of(subject, Role.AUDITOR.claimName());
    }

    /** A token with the given role names and no scope claims. */
    public static TokenSpec of(String subject, String... roles) {
        return new TokenSpec(subject, List.of(roles), List.of(), List.of(), DEFAULT_TTL);
    }

    public TokenSpec withTtl(Duration newTtl) {
        return new TokenSpec(subject, roles, careUnits, deviceIds, newTtl);
    }
}
