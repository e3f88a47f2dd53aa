package vigil.dashboard.fhir.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import vigil.dashboard.audit.AuditAction;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.Role;
import vigil.dashboard.auth.RouteGuard;
import vigil.dashboard.device.DeviceRoutes;
import vigil.dashboard.fhir.FhirRoutes;
import vigil.dashboard.query.Params;
import vigil.telemetry.Ids;

/**
 * FHIR Bulk Data export (asynchronous request pattern): {@code GET /fhir/r4/$export} (the caller's whole scope) and
 * {@code GET /fhir/r4/Group/{careUnit}/$export} kick off with {@code Prefer: respond-async} and answer 202 with
 * {@code Content-Location}; {@code GET /fhir/r4/$export-status/{job}} answers 202 with {@code X-Progress} while
 * running and 200 with the manifest when done; {@code DELETE} on it cancels; {@code GET
 * /fhir/r4/$export-file/{job}/{file}} serves a file. Only the caller who started a job sees it. All audited as
 * {@code fhir.export}.
 */
public final class ExportRoutes {
    /** Longest export range: the history keeps 48 h (HistoryAttributes.RETENTION_HOURS); a week is ample. */
    static final Duration MAX_SPAN = Duration.ofDays(7);
    static final Duration DEFAULT_SPAN = Duration.ofHours(1);
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f-]{36}");
    private static final Pattern CARE_UNIT = Pattern.compile(Ids.CARE_UNIT_REGEX);
    private static final Set<String> FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");

    private final ExportJobs jobs;
    private final ObjectMapper json;
    private final Clock clock;

    public ExportRoutes(ExportJobs jobs, ObjectMapper json, Clock clock) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes, RouteGuard guard) {
        String base = FhirRoutes.BASE;
        routes.get(base + "/$export", guard.protect(DeviceRoutes.READ_DEVICES, AuditAction.FHIR_EXPORT,
                (ctx, access) -> kickOff(ctx, access, null)));
        routes.get(base + "/Group/{careUnit}/$export", guard.protect(DeviceRoutes.READ_DEVICES,
                AuditAction.FHIR_EXPORT, (ctx, access) -> kickOff(ctx, access, ctx.pathParam("careUnit"))));
        routes.get(base + "/$export-status/{job}", guard.protect(DeviceRoutes.READ_DEVICES, AuditAction.FHIR_EXPORT,
                this::status));
        routes.delete(base + "/$export-status/{job}", guard.protect(DeviceRoutes.READ_DEVICES,
                AuditAction.FHIR_EXPORT, this::cancel));
        routes.get(base + "/$export-file/{job}/{file}", guard.protect(DeviceRoutes.READ_DEVICES,
                AuditAction.FHIR_EXPORT, this::file));
    }

    private void kickOff(Context ctx, Access access, String careUnit) {
        Params p = new Params(ctx.queryParamMap());
        String prefer = ctx.header("Prefer");
        if (prefer == null || !prefer.toLowerCase(Locale.ROOT).contains("respond-async")) {
            p.error("Prefer", "the header Prefer: respond-async is required (FHIR Bulk Data kick-off)");
        }
        String format = p.single("_outputFormat");
        if (format != null && !FORMATS.contains(format)) {
            p.error("_outputFormat", "must be application/fhir+ndjson");
        }
        Instant since = p.instant("_since");
        Instant until = p.instant("_until");
        List<String> types = new ArrayList<>();
        for (String v : ctx.queryParams("_type")) {
            for (String t : v.split(",")) {
                if (!t.isBlank()) {
                    types.add(t.trim());
                }
            }
        }
        List<String> unknown = ExportJobs.unknownTypes(types);
        if (!unknown.isEmpty()) {
            p.error("_type", "unknown or not exported: " + unknown + "; one or more of " + ExportJobs.TYPES);
        }
        p.check();
        Instant end = until == null ? clock.instant() : until;
        Instant start = since == null ? end.minus(DEFAULT_SPAN) : since;
        if (!start.isBefore(end)) {
            p.error("_since", "must be before _until");
        } else if (Duration.between(start, end).compareTo(MAX_SPAN) > 0) {
            p.error("_since", "_since and _until may be at most " + MAX_SPAN.toDays() + " days apart");
        }
        p.check();
        if (careUnit != null && !visibleUnit(access, careUnit)) {
            throw new NotFoundResponse("no such group");
        }
        ExportJob job = jobs.start(access, careUnit, start, end, ExportJobs.types(types), ctx.fullUrl());
        ctx.status(202);
        ctx.header("Content-Location", FhirRoutes.baseUrl(ctx) + "/$export-status/" + job.id());
    }

    /** A caregiver's group must be one of its care units; a device admin may name any. */
    private static boolean visibleUnit(Access access, String careUnit) {
        if (!CARE_UNIT.matcher(careUnit).matches()) {
            return false;
        }
        return access.admittedRoles().contains(Role.DEVICE_ADMIN)
                || access.principal().careUnits().contains(careUnit);
    }

    private void status(Context ctx, Access access) {
        ExportJob job = owned(ctx, access);
        switch (job.state()) {
            case RUNNING -> {
                ctx.status(202);
                ctx.header("X-Progress", job.progress());
                ctx.header("Retry-After", "2");
            }
            case DONE -> ctx.contentType("application/json").result(manifest(ctx, job));
            case FAILED -> throw new io.javalin.http.InternalServerErrorResponse("export failed: " + job.error);
            case CANCELLED -> throw new NotFoundResponse("no such export");
        }
    }

    private String manifest(Context ctx, ExportJob job) {
        ObjectNode m = json.createObjectNode();
        m.put("transactionTime", job.transactionTime.toString());
        m.put("request", job.requestUrl);
        m.put("requiresAccessToken", true);
        ArrayNode output = m.putArray("output");
        for (ExportJob.Output o : job.outputs()) {
            output.addObject()
                    .put("type", o.type())
                    .put("url", FhirRoutes.baseUrl(ctx) + "/$export-file/" + job.id() + "/" + o.fileName())
                    .put("count", o.count());
        }
        m.putArray("error");
        return m.toString();
    }

    private void cancel(Context ctx, Access access) throws java.io.IOException {
        jobs.cancel(owned(ctx, access));
        ctx.status(202);
    }

    private void file(Context ctx, Access access) throws java.io.IOException {
        ExportJob job = owned(ctx, access);
        String name = ctx.pathParam("file");
        if (job.state() != ExportJob.State.DONE
                || job.outputs().stream().noneMatch(o -> o.fileName().equals(name))) {
            throw new NotFoundResponse("no such file");
        }
        try {
            InputStream in = jobs.storage().open(job.id(), name);
            ctx.contentType("application/fhir+ndjson");
            ctx.result(in);
        } catch (NoSuchFileException e) {
            throw new NotFoundResponse("no such file");
        }
    }

    private ExportJob owned(Context ctx, Access access) {
        String id = ctx.pathParam("job");
        if (!JOB_ID.matcher(id).matches()) {
            throw new NotFoundResponse("no such export");
        }
        return jobs.find(id, access.principal().subject()).orElseThrow(() -> new NotFoundResponse("no such export"));
    }
}
