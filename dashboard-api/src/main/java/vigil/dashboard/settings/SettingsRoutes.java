package vigil.dashboard.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import vigil.dashboard.audit.AuditAction;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.AccessRule;
import vigil.dashboard.auth.Role;
import vigil.dashboard.auth.RouteGuard;
import vigil.dashboard.device.DeviceRoutes;
import vigil.dashboard.device.DeviceState;
import vigil.dashboard.device.DeviceStateStore;
import vigil.dashboard.problem.InvalidRequestResponse;

/**
 * {@code GET} and {@code PUT /api/v1/devices/{deviceId}/settings} (api-v1.md). Reads: collectors (their
 * {@code deviceIds}), device admins (all) and caregivers (devices of their care units, by the document's or the
 * device's care unit); a document outside the caller's scope answers 404 like a missing one. Writes: device admins
 * only, with optimistic concurrency on {@code version} through {@code If-Match} / {@code If-None-Match: *}.
 *
 * <p>Order of checks on a PUT: 404 for an impossible device id, 428 without a precondition, 400 for an invalid
 * document (every field listed), then 412 when the precondition does not hold at write time. Stateless.
 */
public final class SettingsRoutes {
    public static final AccessRule READ_SETTINGS =
            AccessRule.rolesAllowed(Role.COLLECTOR, Role.DEVICE_ADMIN, Role.CAREGIVER);
    public static final AccessRule WRITE_SETTINGS = AccessRule.rolesAllowed(Role.DEVICE_ADMIN);
    private static final String NOT_FOUND = "no settings document for this device";
    private static final String PATH = "/api/v1/devices/{deviceId}/settings";

    private final SettingsStore store;
    private final DeviceStateStore devices;
    private final ObjectMapper json;
    private final Clock clock;

    public SettingsRoutes(SettingsStore store, DeviceStateStore devices, ObjectMapper json, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes, RouteGuard guard) {
        routes.get(PATH, guard.protect(READ_SETTINGS, AuditAction.SETTINGS_READ, ctx -> ctx.pathParam("deviceId"),
                this::read));
        routes.put(PATH, guard.protect(WRITE_SETTINGS, AuditAction.SETTINGS_WRITE, ctx -> ctx.pathParam("deviceId"),
                this::write));
    }

    /** {@code "<version>"}. */
    static String etag(long version) {
        return "\"" + version + "\"";
    }

    private void read(Context ctx, Access access) {
        String deviceId = deviceId(ctx);
        ObjectNode doc = store.find(deviceId).orElseThrow(() -> new NotFoundResponse(NOT_FOUND));
        if (!visible(access, deviceId, doc)) {
            throw new NotFoundResponse(NOT_FOUND);
        }
        long version = doc.path("version").asLong();
        ctx.header("ETag", etag(version));
        ctx.header("Cache-Control", "no-cache");
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifNoneMatch != null && matches(ifNoneMatch, version, true)) {
            ctx.status(304);
            return;
        }
        ctx.contentType("application/json").result(doc.toString());
    }

    private boolean visible(Access access, String deviceId, ObjectNode doc) {
        if (access.canSeeDevice(deviceId, doc.path("careUnit").isTextual() ? doc.get("careUnit").asText() : null)) {
            return true;
        }
        if (!access.admittedRoles().contains(Role.CAREGIVER)) {
            return false;
        }
        Optional<DeviceState> state = devices.find(deviceId);
        return state.isPresent() && access.canSeeDevice(deviceId, state.get().careUnit());
    }

    private void write(Context ctx, Access access) {
        String deviceId = deviceId(ctx);
        String ifMatch = ctx.header("If-Match");
        String ifNoneMatch = ctx.header("If-None-Match");
        boolean create = ifNoneMatch != null && ifNoneMatch.trim().equals("*");
        if (ifMatch == null && !create) {
            throw new HttpResponseException(428, "send If-Match: \"<version>\" to replace the document, or"
                    + " If-None-Match: * to create it");
        }
        JsonNode body;
        try {
            body = json.readTree(ctx.body());
        } catch (IOException e) {
            throw InvalidRequestResponse.of("body", "must be a JSON object (the settings document)");
        }
        String deviceType = devices.find(deviceId).map(DeviceState::deviceType).orElse(null);
        SettingsValidator.Result result = SettingsValidator.validate(body, deviceId, deviceType);
        if (!result.errors().isEmpty()) {
            throw new InvalidRequestResponse(result.errors());
        }
        Long expected = null;
        long version = 1;
        if (!create) {
            Optional<ObjectNode> current = store.find(deviceId);
            if (current.isEmpty()) {
                throw preconditionFailed("no document exists yet; create it with If-None-Match: *");
            }
            long currentVersion = current.get().path("version").asLong();
            if (!matches(ifMatch, currentVersion, false)) {
                throw preconditionFailed("the document is at version " + currentVersion
                        + "; reload it and apply your change again");
            }
            expected = currentVersion;
            version = currentVersion + 1;
        }
        ObjectNode doc = result.document();
        ObjectNode stored = doc.objectNode();
        stored.put("deviceId", deviceId);
        stored.put("version", version);
        doc.properties().forEach(f -> {
            if (!f.getKey().equals("deviceId")) {
                stored.set(f.getKey(), f.getValue());
            }
        });
        stored.put("updatedAt", clock.instant().toString());
        stored.put("updatedBy", access.principal().subject());
        try {
            store.write(stored, expected);
        } catch (SettingsStore.PreconditionFailedException e) {
            throw preconditionFailed(create
                    ? "a document exists already; replace it with If-Match: \"<version>\""
                    : "the document changed meanwhile; reload it and apply your change again");
        }
        ctx.status(create ? 201 : 200);
        ctx.header("ETag", etag(version));
        ctx.contentType("application/json").result(stored.toString());
    }

    private static HttpResponseException preconditionFailed(String detail) {
        return new HttpResponseException(412, detail);
    }

    /**
     * Whether an {@code If-Match} / {@code If-None-Match} list names this version: {@code *}, or a list of entity
     * tags. If-Match uses the strong comparison (weak tags never match); If-None-Match the weak one (RFC 9110).
     */
    static boolean matches(String header, long version, boolean weak) {
        List<String> tags = new ArrayList<>();
        for (String part : header.split(",")) {
            tags.add(part.trim());
        }
        String tag = etag(version);
        for (String t : tags) {
            if (t.equals("*") || t.equals(tag) || (weak && t.equals("W/" + tag))) {
                return true;
            }
        }
        return false;
    }

    private static String deviceId(Context ctx) {
        String deviceId = ctx.pathParam("deviceId");
        if (!DeviceRoutes.DEVICE_ID.matcher(deviceId).matches()) {
            throw new NotFoundResponse(NOT_FOUND);
        }
        return deviceId;
    }
}
