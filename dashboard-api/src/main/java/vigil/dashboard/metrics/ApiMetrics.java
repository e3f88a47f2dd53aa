package vigil.dashboard.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard API's meters and their exposure. HTTP requests are timed as {@code http.server.requests}, tagged by
 * method, route <em>template</em> ({@code /api/v1/devices/{deviceId}}, never the raw path, so no device id becomes a
 * tag; unmatched paths are {@code NOT_FOUND}), status and outcome (STYLE.md §7). JVM and GC binders as in the
 * consumer.
 *
 * <p>{@code /metrics} is served on its own port ({@code VIGIL_METRICS_PORT}, default 9465, bound to
 * {@code VIGIL_METRICS_HOST}, default 127.0.0.1), never on the API port: the API port is public and authenticated,
 * the metrics port is unauthenticated and meant for a scraper on a private network.
 *
 * <p><b>Threading contract.</b> {@link #httpRequest} is called from any request thread; meters are thread-safe.
 */
public final class ApiMetrics implements AutoCloseable {
    public static final String ENV_METRICS_HOST = "VIGIL_METRICS_HOST";
    public static final String ENV_METRICS_PORT = "VIGIL_METRICS_PORT";
    public static final int DEFAULT_PORT = 9465;

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private HttpServer server;
    private ExecutorService executor;

    public ApiMetrics() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    /**
     * Times one request.
     *
     * @param route the matched route template, or null when no route matched
     */
    public void httpRequest(String method, String route, int status, long millis) {
        Timer.builder("http.server.requests")
                .description("Dashboard API requests by route template")
                .tag("method", method)
                .tag("route", route == null ? "NOT_FOUND" : route)
                .tag("status", Integer.toString(status))
                .tag("outcome", outcome(status))
                .register(registry)
                .record(millis, TimeUnit.MILLISECONDS);
    }

    private static String outcome(int status) {
        if (status >= 500) {
            return "SERVER_ERROR";
        }
        if (status >= 400) {
            return "CLIENT_ERROR";
        }
        if (status >= 300) {
            return "REDIRECTION";
        }
        return status >= 200 ? "SUCCESS" : "INFORMATIONAL";
    }

    /** The metrics port from the environment: {@code -1} turns it off. */
    public static int portFromEnv(Map<String, String> env) {
        String v = env.getOrDefault(ENV_METRICS_PORT, Integer.toString(DEFAULT_PORT)).trim();
        try {
            int port = Integer.parseInt(v);
            if (port < -1 || port > 65_535) {
                throw new IllegalArgumentException(ENV_METRICS_PORT + " must be -1 (off), 0 (any) or 1..65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENV_METRICS_PORT + " must be a whole number, was '" + v + "'", e);
        }
    }

    /** Serves {@code GET /metrics} on {@code host:port} (port 0: any free port); returns the port. */
    public int serve(String host, int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + " for metrics", e);
        }
        server.createContext("/metrics", ex -> {
            try (ex) {
                if (!"GET".equals(ex.getRequestMethod()) || !"/metrics".equals(ex.getRequestURI().getPath())) {
                    ex.sendResponseHeaders("GET".equals(ex.getRequestMethod()) ? 404 : 405, -1);
                    return;
                }
                byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "api-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
        gc.close();
        registry.close();
    }
}
