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
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.javalin.router.ParsedEndpoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.net.MalformedURLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import vigil.dashboard.alert.AlertRoutes;
import vigil.dashboard.alert.dynamodb.DynamoAlertStore;
import vigil.dashboard.audit.AuditRoutes;
import vigil.dashboard.audit.AuditUnavailableException;
import vigil.dashboard.audit.dynamodb.DynamoAuditLog;
import vigil.dashboard.auth.RouteGuard;
import vigil.dashboard.auth.TokenVerifier;
import vigil.dashboard.device.DeviceRoutes;
import vigil.dashboard.device.dynamodb.DynamoDeviceHistoryStore;
import vigil.dashboard.device.dynamodb.DynamoDeviceStateStore;
import vigil.dashboard.events.ChangeFeed;
import vigil.dashboard.events.EventRoutes;
import vigil.dashboard.events.dynamodb.StreamChangeFeed;
import vigil.dashboard.fhir.FhirRoutes;
import vigil.dashboard.fhir.export.ExportConfig;
import vigil.dashboard.fhir.export.ExportJobs;
import vigil.dashboard.fhir.export.ExportRoutes;
import vigil.dashboard.fhir.export.ExportStorage;
import vigil.dashboard.fhir.export.LocalExportStorage;
import vigil.dashboard.health.HealthRoutes;
import vigil.dashboard.metrics.ApiMetrics;
import vigil.dashboard.problem.Problem;
import vigil.dashboard.problem.ProblemResponses;
import vigil.dashboard.report.ReportRoutes;
import vigil.dashboard.settings.SettingsRoutes;
import vigil.dashboard.settings.dynamodb.DynamoSettingsStore;
import vigil.dashboard.web.WebPage;
import vigil.feed.dynamodb.StreamClients;
import vigil.schema.Tables;

/**
 * The running dashboard API: creates the Javalin app, wires the feature routes and starts listening. Owns the HTTP
 * server, not the DynamoDB client (the caller closes that). Start and close from one thread.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    /** No route of this version takes a body larger than a settings document; 64 KiB leaves ample room. */
    public static final long MAX_REQUEST_BYTES = 64 * 1024;
    /**
     * A declared oversize body up to this size is read and discarded before the 413 goes out: closing a connection
     * with unread request bytes makes the kernel reset it, and the client then sees a reset instead of the answer.
     * Larger bodies are not read; the connection is closed after the answer, and such a client may see a reset.
     */
    static final long MAX_DRAINED_BYTES = 1024 * 1024;
    /** Longest a refused body is drained for, in all. */
    static final long MAX_DRAIN_MILLIS = 2_000;

    private final Javalin app;
    private final ChangeFeed feed;
    private final ExportJobs exports;
    private final boolean tls;

    private DashboardServer(Javalin app, ChangeFeed feed, ExportJobs exports, boolean tls) {
        this.app = app;
        this.feed = feed;
        this.exports = exports;
        this.tls = tls;
    }

    /** Starts the API on {@code config.host():config.port()} (port 0 picks a free port) over the given client. */
    public static DashboardServer start(DashboardConfig config, DynamoDbClient dynamo) {
        return start(config, dynamo, null);
    }

    /** As {@link #start(DashboardConfig, DynamoDbClient)}, timing every request on {@code metrics} (null: none). */
    public static DashboardServer start(DashboardConfig config, DynamoDbClient dynamo, ApiMetrics metrics) {
        return start(config, dynamo, metrics, new LocalExportStorage(ExportConfig.defaults().dir()));
    }

    /** As {@link #start(DashboardConfig, DynamoDbClient, ApiMetrics)}, writing FHIR bulk exports to {@code exportStorage}. */
    public static DashboardServer start(
            DashboardConfig config, DynamoDbClient dynamo, ApiMetrics metrics, ExportStorage exportStorage) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(exportStorage, "exportStorage");
        Objects.requireNonNull(dynamo, "dynamo");
        Clock clock = Clock.systemUTC();
        ObjectMapper json = objectMapper();
        String prefix = config.tablePrefix();
        DynamoAuditLog auditLog = new DynamoAuditLog(dynamo, prefix);
        RouteGuard guard = new RouteGuard(verifier(config), auditLog, clock);
        DynamoDeviceStateStore deviceStore = new DynamoDeviceStateStore(dynamo, prefix);
        DynamoAlertStore alertStore = new DynamoAlertStore(dynamo, prefix);
        AlertRoutes alerts = new AlertRoutes(alertStore, json, clock);
        DynamoSettingsStore settingsStore = new DynamoSettingsStore(dynamo, prefix);
        SettingsRoutes settings = new SettingsRoutes(settingsStore, deviceStore, json, clock);
        DynamoDeviceHistoryStore historyStore = new DynamoDeviceHistoryStore(dynamo, prefix);
        FhirRoutes fhir = new FhirRoutes(deviceStore, alertStore, historyStore, settingsStore, clock);
        ExportJobs exports = new ExportJobs(deviceStore, alertStore, historyStore, settingsStore, exportStorage, clock);
        ExportRoutes exportRoutes = new ExportRoutes(exports, json, clock);
        DeviceRoutes devices = new DeviceRoutes(deviceStore, alertStore, historyStore, clock);
        AuditRoutes auditRoutes = new AuditRoutes(auditLog, clock);
        ReportRoutes reports = new ReportRoutes(alertStore, deviceStore, json, clock);
        ChangeFeed feed = new StreamChangeFeed(dynamo, StreamClients.like(dynamo), prefix, alertStore,
                config.eventPollInterval());
        EventRoutes events = new EventRoutes(feed, json);
        HealthRoutes health = new HealthRoutes(dynamo, prefix,
                List.of(Tables.DEVICE_STATE, Tables.ALERTS, Tables.SETTINGS, Tables.AUDIT), clock);
        boolean tls = config.tlsKeystore() != null;

        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            if (tls) {
                cfg.jetty.addConnector((server, http) -> httpsConnector(server, http, config));
            }
            cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
            cfg.jsonMapper(new JavalinJackson(json, false));
            // Path templates only: no query strings (cursors), no headers (tokens).
            cfg.requestLogger.http((ctx, ms) -> {
                String route = matchedRoute(ctx);
                LOG.debug("{} {} -> {} in {} ms", ctx.method(), route == null ? "(unmatched)" : route,
                        ctx.statusCode(), ms);
                if (metrics != null) {
                    metrics.httpRequest(ctx.method().name(), route, ctx.statusCode(), ms.longValue());
                }
            });
            if (!config.corsOrigins().isEmpty()) {
                cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    String first = config.corsOrigins().get(0);
                    rule.allowHost(first, config.corsOrigins().subList(1, config.corsOrigins().size())
                            .toArray(new String[0]));
                    rule.exposeHeader("ETag");
                }));
            }
            WebPage.install(cfg);
            ProblemResponses.install(cfg.routes);
            cfg.routes.exception(AuditUnavailableException.class, (e, ctx) -> {
                LOG.error("answering 503: {}", e.getMessage());
                ProblemResponses.write(ctx, Problem.of(503, "audit log unavailable; try again later"));
            });
            cfg.routes.before(ctx -> {
                // maxRequestSize applies when a handler reads the body; refuse declared oversize bodies up front.
                long declared = ctx.contentLength();
                if (declared > MAX_REQUEST_BYTES) {
                    drainRefusedBody(ctx, declared);
                    throw new ContentTooLargeResponse("request body larger than " + MAX_REQUEST_BYTES + " bytes");
                }
            });
            health.register(cfg.routes);
            WebPage.registerOpenApi(cfg.routes);
            devices.register(cfg.routes, guard);
            alerts.register(cfg.routes, guard);
            settings.register(cfg.routes, guard);
            events.register(cfg.routes, guard);
            auditRoutes.register(cfg.routes, guard);
            fhir.register(cfg.routes, guard);
            exportRoutes.register(cfg.routes, guard);
            reports.register(cfg.routes, guard);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            feed.close();
            exports.close();
            throw e;
        }
        LOG.info("dashboard API listening on {}://{}:{} (tables {}*, tokens {})", tls ? "https" : "http",
                config.host(), app.port(), config.tablePrefix(), config.jwksUrl() == null ? "HS256" : "JWKS");
        return new DashboardServer(app, feed, exports, tls);
    }

    /**
     * Reads and drops a refused body so the 413 reaches the client; see {@link #MAX_DRAINED_BYTES}. Runs before
     * authentication, so it only takes what has arrived and waits at most {@link #MAX_DRAIN_MILLIS} in all: a client
     * trickling its body cannot hold a request thread. A client that sent {@code Expect: 100-continue} has sent no
     * body yet and gets the 413 instead of the go-ahead, so nothing is read.
     */
    private static void drainRefusedBody(Context ctx, long declared) {
        String expect = ctx.header("Expect");
        if (expect != null && expect.toLowerCase(Locale.ROOT).contains("100-continue")) {
            return;
        }
        if (declared > MAX_DRAINED_BYTES) {
            ctx.header("Connection", "close");
            return;
        }
        byte[] sink = new byte[8192];
        long left = declared;
        long deadline = System.nanoTime() + MAX_DRAIN_MILLIS * 1_000_000L;
        try {
            var in = ctx.req().getInputStream();
            while (left > 0 && System.nanoTime() < deadline) {
                int available = in.available();
                if (available <= 0) {
                    Thread.sleep(2);
                    continue;
                }
                int n = in.read(sink, 0, (int) Math.min(sink.length, Math.min(available, left)));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException e) {
            LOG.debug("refused request body not drained: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (left > 0) {
            ctx.header("Connection", "close"); // not all read: the connection cannot carry another request
        }
    }

    private static TokenVerifier verifier(DashboardConfig config) {
        if (config.jwksUrl() == null) {
            return new TokenVerifier(config.jwtSecretBytes());
        }
        try {
            return TokenVerifier.forJwks(config.jwksUrl().toURL(), config.jwtIssuer(), config.jwtAudience());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWKS URL is not a URL", e);
        }
    }

    /** HTTPS only, HTTP/1.1, with the configured PKCS#12 keystore; replaces the plain HTTP connector. */
    private static Connector httpsConnector(Server server, HttpConfiguration http, DashboardConfig config) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(config.tlsKeystore().toAbsolutePath().toString());
        ssl.setKeyStorePassword(config.tlsKeystorePassword());
        ssl.setKeyStoreType("PKCS12");
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration https = new HttpConfiguration(http);
        // Host checks belong to the deployment (certificates name the service); loopback tests use 127.0.0.1.
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(
                server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost(config.host());
        connector.setPort(config.port());
        return connector;
    }

    /** Every HTTP route as {@code METHOD path-template}, e.g. {@code GET /api/v1/devices/{deviceId}}. */
    public List<String> routes() {
        List<String> routes = new ArrayList<>();
        for (ParsedEndpoint e : app.unsafe.internalRouter.allHttpHandlers()) {
            if (e.endpoint.method.isHttpMethod()) {
                routes.add(e.endpoint.method.name() + " " + e.endpoint.path);
            }
        }
        return routes;
    }

    /** Whether the server speaks HTTPS (a TLS keystore was configured). */
    public boolean tls() {
        return tls;
    }

    /**
     * The matched route template, or null when no endpoint matched (never the raw path). Without a matching route
     * the last endpoint Javalin ran is the wildcard before-handler, path {@code *}: that is "no route" too.
     */
    private static String matchedRoute(io.javalin.http.Context ctx) {
        try {
            String path = ctx.endpoint().path;
            return "*".equals(path) ? null : path;
        } catch (RuntimeException e) { // no endpoint matched
            return null;
        }
    }

    /**
     * JSON for every answer: {@code Instant}s as ISO-8601 UTC with exactly three fraction digits
     * ({@code 2026-11-22T08:03:11.120Z}, api-v1.md), decimals without exponent, nulls written (figures that are not
     * evaluable are {@code null}, not absent).
     */
    public static ObjectMapper objectMapper() {
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
        try {
            feed.close();
            exports.close();
        } finally {
            app.stop();
        }
    }
}
