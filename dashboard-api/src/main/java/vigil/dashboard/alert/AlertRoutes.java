package vigil.dashboard.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import vigil.dashboard.audit.AuditAction;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.AccessRule;
import vigil.dashboard.auth.Role;
import vigil.dashboard.auth.RouteGuard;
import vigil.dashboard.problem.InvalidRequestResponse;
import vigil.dashboard.query.KeysetCursor;
import vigil.dashboard.query.ListView;
import vigil.dashboard.query.Params;

/**
 * {@code GET /api/v1/alerts} and {@code POST /api/v1/alerts/{alertId}/ack} (api-v1.md; lifecycle in alerts-v1.md).
 * Caregivers see and acknowledge the alerts of their care units; device admins read all. An alert outside the
 * caller's scope answers 404 like an unknown one. Stateless.
 */
public final class AlertRoutes {
    public static final AccessRule READ_ALERTS = AccessRule.rolesAllowed(Role.CAREGIVER, Role.DEVICE_ADMIN);
    public static final AccessRule ACK_ALERTS = AccessRule.rolesAllowed(Role.CAREGIVER);
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    /** Longest acknowledgement note; a note is for a few words, not a record. */
    public static final int MAX_NOTE_CHARS = 500;
    /** alertId is {@code {deviceId}:{type}:{raisedTs}} (alerts-v1.md, "Lifecycle"). */
    private static final Pattern ALERT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,63}:[A-Z_]{3,40}:[0-9]{1,19}");
    private static final String NOT_FOUND = "no such alert";
    private static final Comparator<AlertView> NEWEST_FIRST =
            Comparator.comparingLong(AlertView::raisedTs).reversed().thenComparing(AlertView::alertId);
    /** Attempts at the conditional update before answering 409 (the consumer changed the alert meanwhile). */
    private static final int ACK_ATTEMPTS = 3;

    private final AlertStore store;
    private final ObjectMapper json;
    private final Clock clock;

    public AlertRoutes(AlertStore store, ObjectMapper json, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes, RouteGuard guard) {
        routes.get("/api/v1/alerts", guard.protect(READ_ALERTS, AuditAction.ALERT_LIST, this::list));
        routes.post("/api/v1/alerts/{alertId}/ack", guard.protect(
                ACK_ALERTS, AuditAction.ALERT_ACK, AlertRoutes::deviceIdOf, ctx -> ctx.pathParam("alertId"),
                this::acknowledge));
    }

    /** The device part of an alert id, for the audit log; null when the id is malformed. */
    static String deviceIdOf(Context ctx) {
        String alertId = ctx.pathParam("alertId");
        int colon = alertId.indexOf(':');
        return colon > 0 && ALERT_ID.matcher(alertId).matches() ? alertId.substring(0, colon) : null;
    }

    private void list(Context ctx, Access access) {
        Params p = new Params(ctx.queryParamMap());
        String careUnit = p.matching("careUnit", "[A-Za-z0-9._-]{1,32}", "must be 1 to 32 of A-Z a-z 0-9 . _ -");
        boolean openOnly = "open".equals(p.oneOf("status", List.of("open", "all"), "open"));
        Instant since = p.instant("since");
        int limit = p.limit(DEFAULT_LIMIT, MAX_LIMIT);
        KeysetCursor cursor = p.cursor();
        p.check();
        long sinceMillis = since == null ? 0L : since.toEpochMilli();
        List<AlertView> candidates = candidates(access, careUnit, openOnly, sinceMillis);
        List<AlertView> page = candidates.stream()
                .filter(a -> access.canSeeDevice(a.deviceId(), a.careUnit()))
                .filter(a -> careUnit == null || careUnit.equals(a.careUnit()))
                .filter(a -> a.raisedTs() >= sinceMillis)
                .filter(a -> cursor == null || cursor.precedes(a.raisedTs(), a.alertId()))
                .sorted(NEWEST_FIRST)
                .limit(limit + 1L)
                .toList();
        String next = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            AlertView last = page.get(limit - 1);
            next = new KeysetCursor(last.raisedTs(), last.alertId()).encode();
        }
        ctx.json(new ListView<>(page, next));
    }

    private List<AlertView> candidates(Access access, String careUnit, boolean openOnly, long sinceMillis) {
        if (!openOnly) {
            return store.all(sinceMillis);
        }
        if (careUnit != null) {
            return store.open(careUnit, sinceMillis);
        }
        if (access.admittedRoles().contains(Role.DEVICE_ADMIN)) {
            return store.open(null, sinceMillis);
        }
        Map<String, AlertView> byId = new LinkedHashMap<>(); // one query per care unit of the caregiver
        for (String unit : access.principal().careUnits()) {
            if (unit.matches("[A-Za-z0-9._-]{1,32}")) {
                store.open(unit, sinceMillis).forEach(a -> byId.put(a.alertId(), a));
            }
        }
        return new ArrayList<>(byId.values());
    }

    private void acknowledge(Context ctx, Access access) {
        String alertId = ctx.pathParam("alertId");
        if (!ALERT_ID.matcher(alertId).matches()) {
            throw new NotFoundResponse(NOT_FOUND);
        }
        String note = note(ctx.body());
        for (int attempt = 0; attempt < ACK_ATTEMPTS; attempt++) {
            AlertView current = store.find(alertId)
                    .filter(a -> access.canSeeDevice(a.deviceId(), a.careUnit()))
                    .orElseThrow(() -> new NotFoundResponse(NOT_FOUND));
            String next = switch (String.valueOf(current.status())) {
                case AlertView.ACTIVE -> AlertView.ACKNOWLEDGED;
                case AlertView.LATCHED -> AlertView.CLEARED;
                case AlertView.ACKNOWLEDGED -> throw new ConflictResponse("alert already acknowledged");
                case AlertView.CLEARED -> throw new ConflictResponse("alert already cleared");
                default -> throw new ConflictResponse("alert has an unknown status and cannot be acknowledged");
            };
            try {
                ctx.json(store.acknowledge(current, next, access.principal().subject(), clock.instant(), note));
                return;
            } catch (AlertStore.ConcurrentChangeException e) {
                // The consumer (or another caregiver) changed the status between read and write: read again.
            }
        }
        throw new ConflictResponse("alert changed while being acknowledged; reload and try again");
    }

    /** The optional note of {@code {"note": "..."}}; an empty body means no note. */
    private String note(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw InvalidRequestResponse.of("body", "must be a JSON object such as {\"note\": \"...\"}");
        }
        if (root == null || !root.isObject()) {
            throw InvalidRequestResponse.of("body", "must be a JSON object such as {\"note\": \"...\"}");
        }
        JsonNode note = root.get("note");
        if (note == null || note.isNull()) {
            return null;
        }
        if (!note.isTextual()) {
            throw InvalidRequestResponse.of("note", "must be a string");
        }
        String text = note.asText().strip();
        if (text.length() > MAX_NOTE_CHARS) {
            throw InvalidRequestResponse.of("note", "must be at most " + MAX_NOTE_CHARS + " characters");
        }
        return text.isEmpty() ? null : text;
    }
}
