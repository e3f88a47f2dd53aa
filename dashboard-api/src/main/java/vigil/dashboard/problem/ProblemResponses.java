package vigil.dashboard.problem;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every exception a route throws to an {@code application/problem+json} answer. Handlers throw Javalin's
 * {@code *Response} exceptions (or {@link InvalidRequestResponse}); anything else is a 500 whose body says nothing
 * about the cause. Stack traces go to the log only, and exception messages of this service never carry tokens or
 * patient data.
 */
public final class ProblemResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

    private ProblemResponses() {}

    /** Registers the exception and error mappings on a Javalin route configuration. */
    public static void install(RoutesConfig routes) {
        routes.exception(InvalidRequestResponse.class, (e, ctx) -> write(ctx, Problem.invalid(e.errors())));
        routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, Problem.of(e.getStatus(), e.getMessage())));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unhandled error on {} {}", ctx.method(), routeOf(ctx), e);
            write(ctx, Problem.of(500, "internal error; see the service log"));
        });
        // Javalin answers unmatched paths and methods itself; give those the same shape.
        routes.error(404, ctx -> rewriteIfPlain(ctx, "no such resource"));
        routes.error(405, ctx -> rewriteIfPlain(ctx, "method not allowed on this resource"));
    }

    /** Writes a problem as the response, replacing any body already set. */
    public static void write(Context ctx, Problem problem) {
        JsonMapper json = ctx.jsonMapper();
        if (problem.status() == 401) {
            // RFC 6750 section 3: a 401 names the scheme; the reason stays in the problem detail.
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        ctx.status(problem.status())
                .contentType(Problem.CONTENT_TYPE)
                .result(json.toJsonString(problem, Problem.class));
    }

    private static void rewriteIfPlain(Context ctx, String detail) {
        String type = ctx.res().getContentType();
        if (type == null || !type.startsWith(Problem.CONTENT_TYPE)) {
            write(ctx, Problem.of(ctx.statusCode(), detail));
        }
    }

    private static String routeOf(Context ctx) {
        try {
            return ctx.endpoint().path; // the template, e.g. /api/v1/devices/{deviceId}
        } catch (RuntimeException e) {
            return "(unmatched)";
        }
    }
}
