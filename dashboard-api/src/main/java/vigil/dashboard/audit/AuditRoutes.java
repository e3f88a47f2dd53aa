package vigil.dashboard.audit;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.AccessRule;
import vigil.dashboard.auth.Role;
import vigil.dashboard.auth.RouteGuard;
import vigil.dashboard.query.KeysetCursor;
import vigil.dashboard.query.ListView;
import vigil.dashboard.query.Params;

/**
 * {@code GET /api/v1/audit?deviceId=&actor=&from=&to=&limit=&cursor=} (api-v1.md): the audit log for auditors,
 * newest first, paginated. The read itself is audited as {@code audit.read}. Stateless.
 */
public final class AuditRoutes {
    public static final AccessRule READ_AUDIT = AccessRule.rolesAllowed(Role.AUDITOR);
    static final Duration DEFAULT_SPAN = Duration.ofHours(24);
    /** Longest span of one request: the log is partitioned by day, so a span costs one query per day. */
    static final Duration MAX_SPAN = Duration.ofDays(31);
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final AuditReader reader;
    private final Clock clock;

    public AuditRoutes(AuditReader reader, Clock clock) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes, RouteGuard guard) {
        routes.get("/api/v1/audit", guard.protect(READ_AUDIT, AuditAction.AUDIT_READ, this::read));
    }

    private void read(Context ctx, Access access) {
        Params p = new Params(ctx.queryParamMap());
        String deviceId = p.matching("deviceId", "[A-Za-z0-9][A-Za-z0-9._-]{2,63}", "is not a device id");
        String actor = p.matching("actor", "[^\\p{Cntrl}]{1,256}", "must be 1 to 256 characters");
        Instant from = p.instant("from");
        Instant to = p.instant("to");
        int limit = p.limit(DEFAULT_LIMIT, MAX_LIMIT);
        KeysetCursor cursor = p.cursor();
        p.check();
        Instant end = to == null ? clock.instant() : to;
        Instant start = from == null ? end.minus(DEFAULT_SPAN) : from;
        if (start.isAfter(end)) {
            p.error("from", "must not be after to");
        } else if (Duration.between(start, end).compareTo(MAX_SPAN) > 0) {
            p.error("from", "from and to may be at most " + MAX_SPAN.toDays() + " days apart");
        }
        p.check();
        List<AuditRecord> found =
                reader.read(start, end, deviceId, actor, cursor == null ? null : cursor.id(), limit + 1);
        String next = null;
        if (found.size() > limit) {
            found = found.subList(0, limit);
            next = new KeysetCursor(0, found.get(limit - 1).entryKey()).encode();
        }
        ctx.json(new ListView<>(found, next));
    }
}
