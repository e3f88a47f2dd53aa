package vigil.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import vigil.dashboard.audit.AuditUnavailableException;
import vigil.dashboard.audit.dynamodb.DynamoAuditLog;
import vigil.dashboard.auth.RouteGuard;
import vigil.dashboard.auth.TokenVerifier;
import vigil.dashboard.device.DeviceRoutes;
import vigil.dashboard.device.dynamodb.DynamoDeviceStateStore;
import vigil.dashboard.health.HealthRoutes;
import vigil.dashboard.problem.Problem;
import vigil.dashboard.problem.ProblemResponses;
import vigil.schema.Tables;

/**
 * The running dashboard API: creates the Javalin app, wires the feature routes and starts listening. Owns the HTTP
 * server, not the DynamoDB client (the caller closes that). Start and close from one thread.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    /** No route of this version takes a body larger than a settings document; 64 KiB leaves ample room. */
    public static final long MAX_REQUEST_BYTES = 64 * 1024;

    private final Javalin app;

    private DashboardServer(Javalin app) {
        this.app = app;
    }

    /** Starts the API on {@code config.host():config.port()} (port 0 picks a free port) over the given client. */
    public static DashboardServer start(DashboardConfig config, DynamoDbClient dynamo) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(dynamo, "dynamo");
        Clock clock = Clock.systemUTC();
        RouteGuard guard = new RouteGuard(
                new TokenVerifier(config.jwtSecretBytes()),
                new DynamoAuditLog(dynamo, config.tablePrefix()),
                clock);
        DeviceRoutes devices = new DeviceRoutes(new DynamoDeviceStateStore(dynamo, config.tablePrefix()));
        HealthRoutes health =
                new HealthRoutes(dynamo, config.tablePrefix(), List.of(Tables.DEVICE_STATE, Tables.AUDIT), clock);

        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
            cfg.jsonMapper(new JavalinJackson(objectMapper(), false));
            // Path templates only: no query strings (cursors), no headers (tokens).
            cfg.requestLogger.http((ctx, ms) -> LOG.debug(
                    "{} {} -> {} in {} ms", ctx.method(), routeTemplate(ctx), ctx.statusCode(), ms));
            ProblemResponses.install(cfg.routes);
            cfg.routes.exception(AuditUnavailableException.class, (e, ctx) -> {
                LOG.error("answering 503: {}", e.getMessage());
                ProblemResponses.write(ctx, Problem.of(503, "audit log unavailable; try again later"));
            });
            cfg.routes.before(ctx -> {
                // maxRequestSize applies when a handler reads the body; refuse declared oversize bodies up front.
                if (ctx.contentLength() > MAX_REQUEST_BYTES) {
                    throw new ContentTooLargeResponse("request body larger than " + MAX_REQUEST_BYTES + " bytes");
                }
            });
            health.register(cfg.routes);
            devices.register(cfg.routes, guard);
        });
        app.start();
        LOG.info("dashboard API listening on {}:{} (tables {}*)", config.host(), app.port(), config.tablePrefix());
        return new DashboardServer(app);
    }

    private static String routeTemplate(io.javalin.http.Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) { // no endpoint matched
            return "(unmatched)";
        }
    }

    /**
     * JSON for every answer: {@code Instant}s as ISO-8601 UTC with exactly three fraction digits
     * ({@code 2026-11-22T08:03:11.120Z}, api-v1.md), decimals without exponent, nulls written (figures that are not
     * evaluable are {@code null}, not absent).
     */
    static ObjectMapper objectMapper() {
        DateTimeFormatter millis = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        SimpleModule times = new SimpleModule("vigil-times");
        times.addSerializer(Instant.class, new StdSerializer<Instant>(Instant.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(millis.format(value));
            }
        });
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(times)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .build();
    }

    /** The port the server listens on (the chosen one when configured with 0). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
