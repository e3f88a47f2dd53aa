package vigil.dashboard.auth;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UnauthorizedResponse;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.dashboard.audit.AuditAction;
import vigil.dashboard.audit.AuditEntry;
import vigil.dashboard.audit.AuditLog;

/**
 * Wraps each protected route in the same three steps, so that every later endpoint gets them by declaring an
 * {@link AccessRule} and an {@link AuditAction}:
 *
 * <ol>
 *   <li>authenticate the {@code Authorization: Bearer} token, else 401 (not audited: there is no actor to record);
 *   <li>admit the caller by role, else 403;
 *   <li>run the handler, then append one audit entry with the final status (200, 403, 404, 400, 500 ...).
 * </ol>
 *
 * A stream ({@link #protectStream}) cannot wait for its final status: its entry records the status the stream opens
 * with (200) and is appended after the stream's checks and before its first byte is sent.
 *
 * If the audit entry cannot be written the request fails with 503 instead of returning unaudited data. Stateless
 * and thread-safe.
 */
public final class RouteGuard {
    private static final Logger LOG = LoggerFactory.getLogger(RouteGuard.class);
    private static final String BEARER = "bearer ";
    /** Longest path value copied into the audit log; ids of this version are at most 64 characters. */
    private static final int MAX_AUDITED_ID_CHARS = 128;

    private final TokenVerifier verifier;
    private final AuditLog audit;
    private final Clock clock;

    public RouteGuard(TokenVerifier verifier, AuditLog audit, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A protected route addressing no single device. */
    public Handler protect(AccessRule rule, AuditAction action, GuardedHandler handler) {
        return protect(rule, action, ctx -> null, handler);
    }

    /**
     * A protected route.
     *
     * @param deviceIdOf the device the request addresses, as written to the audit log (e.g. a path parameter)
     */
    public Handler protect(
            AccessRule rule, AuditAction action, Function<Context, String> deviceIdOf, GuardedHandler handler) {
        return protect(rule, action, deviceIdOf, ctx -> null, handler);
    }

    /**
     * A protected route addressing an alert.
     *
     * @param deviceIdOf the device the request addresses, or null
     * @param alertIdOf  the alert the request addresses, as written to the audit log
     */
    public Handler protect(
            AccessRule rule,
            AuditAction action,
            Function<Context, String> deviceIdOf,
            Function<Context, String> alertIdOf,
            GuardedHandler handler) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(handler, "handler");
        return ctx -> {
            Target target = new Target(truncate(deviceIdOf.apply(ctx)), truncate(alertIdOf.apply(ctx)));
            guarded(ctx, rule, action, target, access -> {
                handler.handle(ctx, access);
                return ctx.statusCode();
            }, null);
        };
    }

    /**
     * A protected streaming route addressing no single device: the audit entry (status 200) is durable before
     * {@link GuardedStream#open} runs, so no data leaves unaudited and an unavailable audit log still answers 503.
     */
    public Handler protectStream(AccessRule rule, AuditAction action, GuardedStream stream) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(stream, "stream");
        return ctx -> guarded(ctx, rule, action, new Target(null, null), access -> {
            stream.check(ctx, access);
            return 200; // the status the stream opens with
        }, stream::open);
    }

    /** What runs before the audit entry; returns the status to record. Throws to refuse. */
    @FunctionalInterface
    private interface AuditedStep {
        int run(Access access) throws Exception;
    }

    /**
     * Authenticates, admits by role (else 403), runs {@code step}, appends the audit entry with its status (a
     * refusal's entry carries the refusal's status), then runs {@code afterAudit} when given.
     */
    private void guarded(Context ctx, AccessRule rule, AuditAction action, Target target, AuditedStep step,
            GuardedHandler afterAudit) throws Exception {
        Principal principal = authenticate(ctx);
        Set<Role> admitted = rule.admittedRoles(principal);
        String auditRole = AccessRule.auditRole(admitted).map(Role::claimName).orElse(principal.rolesForAudit());
        Access access;
        int status;
        try {
            if (admitted.isEmpty()) {
                throw new ForbiddenResponse("this role may not use this resource");
            }
            access = new Access(principal, admitted);
            status = step.run(access);
        } catch (HttpResponseException e) {
            appendAfterFailure(principal, auditRole, action, target, e.getStatus());
            throw e;
        } catch (Exception e) {
            appendAfterFailure(principal, auditRole, action, target, 500);
            throw e;
        }
        // Throws AuditUnavailableException (mapped to 503) before the prepared answer leaves the server.
        audit.append(new AuditEntry(
                clock.instant(), principal.subject(), auditRole, action, target.deviceId(), target.alertId(), status));
        if (afterAudit != null) {
            afterAudit.handle(ctx, access);
        }
    }

    private Principal authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new UnauthorizedResponse("missing bearer token");
        }
        if (header.length() <= BEARER.length()
                || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            throw new UnauthorizedResponse("Authorization must use the Bearer scheme");
        }
        return verifier.verify(header.substring(BEARER.length()).trim());
    }

    private void appendAfterFailure(
            Principal principal, String role, AuditAction action, Target target, int status) {
        try {
            audit.append(new AuditEntry(
                    clock.instant(), principal.subject(), role, action, target.deviceId(), target.alertId(), status));
        } catch (RuntimeException auditFailure) {
            // The request fails anyway; keep its own status and record that its audit entry is missing.
            LOG.error("audit entry for a failed {} request (status {}) not written: {}",
                    action.wireName(), status, auditFailure.toString());
        }
    }

    private record Target(String deviceId, String alertId) {}

    private static String truncate(String id) {
        if (id == null || id.length() <= MAX_AUDITED_ID_CHARS) {
            return id;
        }
        return id.substring(0, MAX_AUDITED_ID_CHARS);
    }
}
