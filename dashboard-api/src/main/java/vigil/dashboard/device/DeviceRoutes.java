package vigil.dashboard.device;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import vigil.dashboard.alert.AlertStore;
import vigil.dashboard.alert.AlertView;
import vigil.dashboard.audit.AuditAction;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.AccessRule;
import vigil.dashboard.auth.Role;
import vigil.dashboard.auth.RouteGuard;
import vigil.dashboard.query.Params;

/**
 * {@code GET /api/v1/devices}, {@code GET /api/v1/devices/{deviceId}} and
 * {@code GET /api/v1/devices/{deviceId}/history} (api-v1.md). Caregivers see the devices of their care units, device
 * admins all; a device outside the caller's scope answers 404 exactly like an unknown one. Stateless; handlers only
 * read what the consumer wrote.
 */
public final class DeviceRoutes {
    /** Who may read device state. */
    public static final AccessRule READ_DEVICES = AccessRule.rolesAllowed(Role.CAREGIVER, Role.DEVICE_ADMIN);

    /** telemetry-v1.md: {@code ^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$}; anything else cannot exist. */
    public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,63}");
    private static final String NOT_FOUND = "no such device";
    /** Default chart span (api-v1.md: at least the last 24 h). */
    static final Duration DEFAULT_HISTORY_SPAN = Duration.ofHours(24);
    /** Longest span one history request may ask for; points older than the retention are gone anyway. */
    static final Duration MAX_HISTORY_SPAN = Duration.ofDays(7);

    private final DeviceStateStore store;
    private final AlertStore alerts;
    private final DeviceHistoryStore history;
    private final Clock clock;

    public DeviceRoutes(DeviceStateStore store, AlertStore alerts, DeviceHistoryStore history, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.history = Objects.requireNonNull(history, "history");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes, RouteGuard guard) {
        routes.get("/api/v1/devices", guard.protect(READ_DEVICES, AuditAction.DEVICE_LIST, this::list));
        routes.get(
                "/api/v1/devices/{deviceId}",
                guard.protect(READ_DEVICES, AuditAction.DEVICE_READ, ctx -> ctx.pathParam("deviceId"), this::get));
        routes.get(
                "/api/v1/devices/{deviceId}/history",
                guard.protect(READ_DEVICES, AuditAction.DEVICE_HISTORY_READ, ctx -> ctx.pathParam("deviceId"),
                        this::history));
    }

    private void list(Context ctx, Access access) {
        DeviceQuery query = DeviceQuery.parse(ctx.queryParamMap());
        DevicePage page = query.page(store.all(), access);
        List<String> ids = new ArrayList<>();
        page.items().forEach(s -> ids.addAll(s.openAlertIds()));
        List<AlertView> open = ids.isEmpty() ? List.of() : alerts.findAll(ids);
        ctx.json(new DeviceListView(page.items().stream().map(s -> DeviceView.of(s, open)).toList(), page.nextCursor()));
    }

    private void get(Context ctx, Access access) {
        DeviceState state = visible(ctx, access);
        List<AlertView> open = state.openAlertIds().isEmpty() ? List.of() : alerts.findAll(state.openAlertIds());
        ctx.json(DeviceView.of(state, open));
    }

    private void history(Context ctx, Access access) {
        Params p = new Params(ctx.queryParamMap());
        Instant from = p.instant("from");
        Instant to = p.instant("to");
        p.check();
        DeviceState state = visible(ctx, access);
        Instant end = to == null ? clock.instant() : to;
        Instant start = from == null ? end.minus(DEFAULT_HISTORY_SPAN) : from;
        if (!start.isBefore(end)) {
            p.error("from", "must be before to");
        } else if (Duration.between(start, end).compareTo(MAX_HISTORY_SPAN) > 0) {
            p.error("from", "from and to may be at most " + MAX_HISTORY_SPAN.toDays() + " days apart");
        }
        p.check();
        ctx.json(new HistoryView(state.deviceId(), start, end, 60,
                history.between(state.deviceId(), start.toEpochMilli(), end.toEpochMilli())));
    }

    /** The answer of the history endpoint: points oldest first, one per minute at most. */
    public record HistoryView(
            String deviceId, Instant from, Instant to, int resolutionSeconds, List<HistoryPoint> points) {}

    private DeviceState visible(Context ctx, Access access) {
        String deviceId = ctx.pathParam("deviceId");
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            throw new NotFoundResponse(NOT_FOUND);
        }
        Optional<DeviceState> state = store.find(deviceId).filter(s -> access.canSeeDevice(s.deviceId(), s.careUnit()));
        return state.orElseThrow(() -> new NotFoundResponse(NOT_FOUND));
    }
}
