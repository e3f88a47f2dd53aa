package vigil.dashboard.device;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import vigil.dashboard.audit.AuditAction;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.AccessRule;
import vigil.dashboard.auth.Role;
import vigil.dashboard.auth.RouteGuard;

/**
 * {@code GET /api/v1/devices} and {@code GET /api/v1/devices/{deviceId}} (api-v1.md). Caregivers see the devices
 * of their care units, device admins all; a device outside the caller's scope answers 404 exactly like an unknown
 * one. Stateless; handlers only read what the consumer wrote.
 */
public final class DeviceRoutes {
    /** Who may read device state. */
    public static final AccessRule READ_DEVICES = AccessRule.rolesAllowed(Role.CAREGIVER, Role.DEVICE_ADMIN);

    /** telemetry-v1.md: {@code ^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$}; anything else cannot exist. */
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,63}");
    private static final String NOT_FOUND = "no such device";

    private final DeviceStateStore store;

    public DeviceRoutes(DeviceStateStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    public void register(RoutesConfig routes, RouteGuard guard) {
        routes.get("/api/v1/devices", guard.protect(READ_DEVICES, AuditAction.DEVICE_LIST, this::list));
        routes.get(
                "/api/v1/devices/{deviceId}",
                guard.protect(READ_DEVICES, AuditAction.DEVICE_READ, ctx -> ctx.pathParam("deviceId"), this::get));
    }

    private void list(Context ctx, Access access) {
        DeviceQuery query = DeviceQuery.parse(ctx.queryParamMap());
        DevicePage page = query.page(store.all(), access);
        ctx.json(new DeviceListView(page.items().stream().map(DeviceView::of).toList(), page.nextCursor()));
    }

    private void get(Context ctx, Access access) {
        String deviceId = ctx.pathParam("deviceId");
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            throw new NotFoundResponse(NOT_FOUND);
        }
        Optional<DeviceState> state = store.find(deviceId).filter(s -> access.canSeeDevice(s.deviceId(), s.careUnit()));
        ctx.json(DeviceView.of(state.orElseThrow(() -> new NotFoundResponse(NOT_FOUND))));
    }
}
