package vigil.dashboard.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import vigil.burden.AlarmBurden;
import vigil.burden.AlertHistory;
import vigil.burden.BurdenReport;
import vigil.burden.DeviceInScope;
import vigil.dashboard.alert.AlertStore;
import vigil.dashboard.alert.AlertView;
import vigil.dashboard.audit.AuditAction;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.AccessRule;
import vigil.dashboard.auth.Role;
import vigil.dashboard.auth.RouteGuard;
import vigil.dashboard.device.DeviceState;
import vigil.dashboard.device.DeviceStateStore;
import vigil.dashboard.query.Params;
import vigil.telemetry.Ids;

/**
 * {@code GET /api/v1/reports/alarm-burden?from=&to=&careUnit=&deviceType=} (docs/alarm-burden.md): the alarm burden
 * per care unit, device type and alert type, computed by the shared {@link AlarmBurden}. Device admins and auditors
 * read every care unit; caregivers read their own care units only, and a care unit outside them answers 404 like an
 * unknown device (existence not revealed); collectors get 403. Audited as {@code report.read}. Stateless.
 */
public final class ReportRoutes {
    public static final String PATH = "/api/v1/reports/alarm-burden";
    public static final AccessRule READ_REPORTS =
            AccessRule.rolesAllowed(Role.DEVICE_ADMIN, Role.AUDITOR, Role.CAREGIVER);
    /** Default range when {@code from} is absent: the last 7 days before {@code to}. */
    static final Duration DEFAULT_RANGE = Duration.ofDays(7);
    /** Longest range: bounds one report's reads to 31 Queries of the day index. */
    static final Duration MAX_RANGE = Duration.ofDays(31);
    private static final List<String> DEVICE_TYPES = List.of("infusion_pump", "dialysis");

    private final AlertStore alerts;
    private final DeviceStateStore devices;
    private final ObjectMapper json;
    private final Clock clock;

    public ReportRoutes(AlertStore alerts, DeviceStateStore devices, ObjectMapper json, Clock clock) {
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes, RouteGuard guard) {
        routes.get(PATH, guard.protect(READ_REPORTS, AuditAction.REPORT_READ, this::alarmBurden));
    }

    private void alarmBurden(Context ctx, Access access) {
        Params p = new Params(ctx.queryParamMap());
        Instant to = p.instant("to");
        Instant from = p.instant("from");
        String careUnit = p.matching("careUnit", Ids.CARE_UNIT_REGEX, "must be 1 to 32 of A-Z a-z 0-9 . _ -");
        String deviceType = p.oneOf("deviceType", DEVICE_TYPES, null);
        p.check();
        if (to == null) {
            to = clock.instant();
        }
        if (from == null) {
            from = to.minus(DEFAULT_RANGE);
        }
        if (!from.isBefore(to)) {
            p.error("to", "must be after from");
        } else if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            p.error("to", "the range from..to must be at most " + MAX_RANGE.toDays() + " days");
        }
        p.check();
        Scope scope = scope(access, careUnit);
        long fromMillis = from.toEpochMilli();
        long toMillis = to.toEpochMilli();

        AlertStore.RaisedAlerts raised = alerts.raisedBetween(fromMillis, toMillis);
        List<AlertHistory> histories = new ArrayList<>();
        for (AlertView a : raised.alerts()) {
            if (scope.includes(a.careUnit()) && (deviceType == null || deviceType.equals(a.deviceType()))) {
                histories.add(toHistory(a));
            }
        }
        List<DeviceInScope> population = new ArrayList<>();
        for (DeviceState d : devices.all()) {
            // A device counts when it sent at or after the range's start (it was in service during the range).
            if (d.lastArrivalMillis() >= fromMillis && scope.includes(d.careUnit())
                    && (deviceType == null || deviceType.equals(d.deviceType()))) {
                population.add(new DeviceInScope(d.deviceId(), d.careUnit(), d.deviceType()));
            }
        }
        BurdenReport report =
                AlarmBurden.compute(fromMillis, toMillis, population, histories, AlarmBurden.DEFAULT_TOP_DEVICES);
        ObjectNode body = json.valueToTree(report);
        body.put("alertReadUnits", raised.readUnits());
        ctx.json(body);
    }

    /**
     * The care units the answer may show. A caregiver asking for a care unit outside its {@code careUnits} gets 404,
     * whether or not the unit exists.
     */
    private static Scope scope(Access access, String careUnit) {
        Set<Role> roles = access.admittedRoles();
        if (roles.contains(Role.DEVICE_ADMIN) || roles.contains(Role.AUDITOR)) {
            return new Scope(careUnit == null ? null : Set.of(careUnit));
        }
        Set<String> own = access.principal().careUnits();
        if (careUnit != null) {
            if (!own.contains(careUnit)) {
                throw new NotFoundResponse("no such care unit");
            }
            return new Scope(Set.of(careUnit));
        }
        return new Scope(Set.copyOf(own));
    }

    /** @param careUnits the care units shown, or null for all (devices without a care unit included) */
    private record Scope(Set<String> careUnits) {
        boolean includes(String careUnit) {
            return careUnits == null || (careUnit != null && careUnits.contains(careUnit));
        }
    }

    static AlertHistory toHistory(AlertView a) {
        List<AlertHistory.Step> steps = new ArrayList<>(a.history().size());
        for (AlertView.Step s : a.history()) {
            if (s.change() != null && s.at() != null) {
                steps.add(new AlertHistory.Step(s.change(), s.at().toEpochMilli(), s.actor()));
            }
        }
        return new AlertHistory(a.alertId(), a.deviceId(), a.deviceType(), a.careUnit(),
                a.type() == null ? "UNKNOWN" : a.type(), a.raisedTs(), steps);
    }
}
