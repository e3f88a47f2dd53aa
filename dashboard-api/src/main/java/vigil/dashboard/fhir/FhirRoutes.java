package vigil.dashboard.fhir;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import vigil.dashboard.alert.AlertStore;
import vigil.dashboard.alert.AlertView;
import vigil.dashboard.audit.AuditAction;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.RouteGuard;
import vigil.dashboard.device.DeviceHistoryStore;
import vigil.dashboard.device.DeviceRoutes;
import vigil.dashboard.device.DeviceState;
import vigil.dashboard.device.DeviceStateStore;
import vigil.dashboard.device.HistoryPoint;
import vigil.dashboard.query.Params;
import vigil.dashboard.settings.SettingsStore;

/**
 * The FHIR R4 read API under {@value #BASE} (docs/fhir.md): {@code metadata}, {@code Device/{id}},
 * {@code DeviceMetric?source=}, {@code Observation?device=&code=&date=&_count=&_offset=},
 * {@code DetectedIssue/{id}} and {@code DetectedIssue?implicated=}. Same tokens, roles and care-unit scope as
 * api-v1: a device outside the caller's scope answers 404 like an unknown one. Every request is audited
 * ({@code fhir.read}, {@code fhir.search}). Reads only by key: GetItem, the history Query of one device,
 * BatchGetItem of a device's open alerts. Stateless and thread-safe.
 */
public final class FhirRoutes {
    public static final String BASE = "/fhir/r4";
    private static final String NOT_FOUND = "no such resource";

    private final DeviceStateStore devices;
    private final AlertStore alerts;
    private final DeviceHistoryStore history;
    private final SettingsStore settings;
    private final FhirMapper mapper;
    private final Clock clock;

    public FhirRoutes(DeviceStateStore devices, AlertStore alerts, DeviceHistoryStore history, SettingsStore settings,
            Clock clock) {
        this.devices = Objects.requireNonNull(devices, "devices");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.history = Objects.requireNonNull(history, "history");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mapper = new FhirMapper(clock);
    }

    public void register(RoutesConfig routes, RouteGuard guard) {
        routes.after(BASE + "/*", Outcomes::replaceProblem);
        routes.get(BASE + "/metadata", ctx -> write(ctx, Capabilities.statement(clock.instant())));
        routes.get(BASE + "/Device/{id}", guard.protect(DeviceRoutes.READ_DEVICES, AuditAction.FHIR_READ,
                ctx -> FhirIds.decode(ctx.pathParam("id")).orElse(ctx.pathParam("id")), this::readDevice));
        routes.get(BASE + "/DeviceMetric", guard.protect(DeviceRoutes.READ_DEVICES, AuditAction.FHIR_SEARCH,
                ctx -> reference(ctx.queryParam("source")), this::searchMetrics));
        routes.get(BASE + "/Observation", guard.protect(DeviceRoutes.READ_DEVICES, AuditAction.FHIR_SEARCH,
                ctx -> reference(ctx.queryParam("device")), this::searchObservations));
        routes.get(BASE + "/DetectedIssue/{id}", guard.protect(DeviceRoutes.READ_DEVICES, AuditAction.FHIR_READ,
                ctx -> null, ctx -> FhirIds.decode(ctx.pathParam("id")).orElse(ctx.pathParam("id")), this::readIssue));
        routes.get(BASE + "/DetectedIssue", guard.protect(DeviceRoutes.READ_DEVICES, AuditAction.FHIR_SEARCH,
                ctx -> reference(ctx.queryParam("implicated")), this::searchIssues));
    }

    private void readDevice(Context ctx, Access access) {
        DeviceState s = visible(ctx.pathParam("id"), access);
        write(ctx, mapper.device(s, settings.find(s.deviceId())));
    }

    private void searchMetrics(Context ctx, Access access) {
        String source = required(ctx, "source");
        DeviceState s = visible(source, access);
        List<Resource> metrics = new ArrayList<>(mapper.metrics(s, settings.find(s.deviceId())));
        write(ctx, bundle(ctx, metrics, metrics.size(), 0, metrics.size()));
    }

    private void searchObservations(Context ctx, Access access) {
        ObservationSearch q = ObservationSearch.parse(ctx.queryParamMap(), clock.instant());
        DeviceState s = visible(q.device(), access);
        List<Observation> all = new ArrayList<>();
        if (s.lastTsMillis() != null && q.covers(s.lastTsMillis())) {
            all.addAll(mapper.newest(s));
        }
        for (HistoryPoint p : history.between(s.deviceId(), q.from().toEpochMilli(), q.to().toEpochMilli())) {
            all.addAll(mapper.history(s.deviceId(), p));
        }
        List<Resource> matching = all.stream()
                .filter(o -> Channel.of(o.getCode().getCoding().get(o.getCode().getCoding().size() - 1).getCode())
                        .map(q::wants).orElse(false))
                .sorted(Comparator.comparing((Observation o) -> o.getEffectiveDateTimeType().getValue()).reversed()
                        .thenComparing(Observation::getIdPart))
                .map(Resource.class::cast)
                .toList();
        int end = (int) Math.min(matching.size(), (long) q.offset() + q.count());
        List<Resource> page = q.offset() >= matching.size() ? List.of() : matching.subList(q.offset(), end);
        write(ctx, bundle(ctx, page, matching.size(), q.offset(), q.count()));
    }

    private void readIssue(Context ctx, Access access) {
        Optional<AlertView> alert = FhirIds.decode(ctx.pathParam("id")).flatMap(alerts::find);
        AlertView a = alert.filter(v -> v.deviceId() != null && access.canSeeDevice(v.deviceId(), v.careUnit()))
                .orElseThrow(() -> new NotFoundResponse(NOT_FOUND));
        write(ctx, mapper.alert(a));
    }

    private void searchIssues(Context ctx, Access access) {
        DeviceState s = visible(required(ctx, "implicated"), access);
        List<Resource> issues = (s.openAlertIds().isEmpty() ? List.<AlertView>of() : alerts.findAll(s.openAlertIds()))
                .stream()
                .filter(AlertView::isOpen)
                .sorted(Comparator.comparingLong(AlertView::raisedTs).reversed())
                .map(mapper::alert)
                .map(Resource.class::cast)
                .toList();
        write(ctx, bundle(ctx, issues, issues.size(), 0, issues.size()));
    }

    /** The device a FHIR id or {@code Device/{id}} reference names, if the caller may see it; else 404. */
    private DeviceState visible(String reference, Access access) {
        String fhirId = reference.startsWith("Device/") ? reference.substring("Device/".length()) : reference;
        String id = FhirIds.decode(fhirId).orElse("");
        if (!DeviceRoutes.DEVICE_ID.matcher(id).matches()) {
            throw new NotFoundResponse(NOT_FOUND);
        }
        return devices.find(id)
                .filter(s -> access.canSeeDevice(s.deviceId(), s.careUnit()))
                .orElseThrow(() -> new NotFoundResponse(NOT_FOUND));
    }

    private static String required(Context ctx, String name) {
        Params p = new Params(ctx.queryParamMap());
        String value = p.single(name);
        if (value == null || value.isBlank()) {
            p.error(name, "is required (Device/{id} or {id})");
        }
        p.check();
        return value;
    }

    /** The deviceId a device reference names, for the audit log (as sent when it does not decode). */
    private static String reference(String value) {
        if (value == null) {
            return null;
        }
        String id = value.startsWith("Device/") ? value.substring("Device/".length()) : value;
        return FhirIds.decode(id).orElse(id);
    }

    /** A searchset page with total, self/next/previous links built from the request's own parameters. */
    private static Bundle bundle(Context ctx, List<Resource> page, int total, int offset, int count) {
        String base = baseUrl(ctx);
        Bundle b = new Bundle();
        b.setType(Bundle.BundleType.SEARCHSET);
        b.setTotal(total);
        b.addLink().setRelation("self").setUrl(pageUrl(ctx, offset));
        if ((long) offset + count < total) {
            b.addLink().setRelation("next").setUrl(pageUrl(ctx, offset + count));
        }
        if (offset > 0) {
            b.addLink().setRelation("previous").setUrl(pageUrl(ctx, Math.max(0, offset - count)));
        }
        for (Resource r : page) {
            b.addEntry()
                    .setFullUrl(base + "/" + r.fhirType() + "/" + r.getIdPart())
                    .setResource(r)
                    .getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH);
        }
        return b;
    }

    private static String pageUrl(Context ctx, int offset) {
        Map<String, List<String>> params = new java.util.LinkedHashMap<>(ctx.queryParamMap());
        params.remove("_offset");
        String query = params.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
                .collect(Collectors.joining("&"));
        String sep = query.isEmpty() ? "" : "&";
        return baseUrl(ctx) + ctx.path().substring(BASE.length()) + "?" + query + (offset == 0 ? "" : sep + "_offset=" + offset);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code scheme://host:port/fhir/r4} as the caller addressed the server. */
    public static String baseUrl(Context ctx) {
        String url = ctx.url();
        int at = url.indexOf(BASE);
        return at < 0 ? url : url.substring(0, at + BASE.length());
    }

    /** Writes one resource as {@code application/fhir+json}. */
    public static void write(Context ctx, IBaseResource resource) {
        ctx.contentType(FhirR4.MEDIA_TYPE + "; charset=utf-8");
        ctx.result(FhirR4.encode(resource));
    }
}
