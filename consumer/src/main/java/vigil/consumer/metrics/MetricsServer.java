package vigil.consumer.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import vigil.consumer.health.ConsumerHealth;

/**
 * The consumer's operational HTTP port (JDK HTTP server, no framework): GET only, no authentication, so it binds to
 * loopback unless told otherwise ({@code VIGIL_METRICS_HOST}). Nothing served holds device data.
 *
 * <ul>
 *   <li>{@code /metrics}: Prometheus text format.
 *   <li>{@code /health/live}: 200 while the KCL scheduler runs, else 503.
 *   <li>{@code /health/ready}: 200 when live, holding a lease and DynamoDB answers, else 503; JSON body.
 *   <li>{@code /metrics/latency/device}, {@code /metrics/latency/arrival}: the cumulative HdrHistogram of latency to
 *       durable state (ms) since start, compressed and base64-encoded
 *       ({@code Histogram.decodeFromCompressedByteBuffer}); the bench subtracts two of them.
 * </ul>
 *
 * <p><b>Threading contract.</b> Start and close from one thread; requests are served on two daemon threads.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts listening on {@code host:port} (port 0: any free port). */
    public static MetricsServer start(String host, int port, Supplier<String> prometheusScrape, ConsumerHealth health,
            StateLatency latency) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + " for metrics", e);
        }
        server.createContext("/metrics", ex -> {
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/metrics" -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                        prometheusScrape.get());
                case "/metrics/latency/device" -> respond(ex, 200, "text/plain; charset=utf-8",
                        encode(latency.cumulative(StateLatency.Kind.DEVICE)));
                case "/metrics/latency/arrival" -> respond(ex, 200, "text/plain; charset=utf-8",
                        encode(latency.cumulative(StateLatency.Kind.ARRIVAL)));
                default -> respond(ex, 404, "text/plain; charset=utf-8", "not found\n");
            }
        });
        server.createContext("/health", ex -> {
            switch (ex.getRequestURI().getPath()) {
                case "/health/live" -> {
                    boolean live = health.live();
                    respond(ex, live ? 200 : 503, "application/json",
                            "{\"status\":\"" + (live ? "UP" : "DOWN") + "\"}");
                }
                case "/health/ready" -> {
                    ConsumerHealth.Readiness r = health.readiness();
                    respond(ex, r.ready() ? 200 : 503, "application/json", r.toJson());
                }
                default -> respond(ex, 404, "text/plain; charset=utf-8", "not found\n");
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n)) + "\n";
    }

    /** Decodes what {@code /metrics/latency/*} returns. */
    public static Histogram decode(String body) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(body.trim())), 1);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException("not a compressed histogram", e);
        }
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
