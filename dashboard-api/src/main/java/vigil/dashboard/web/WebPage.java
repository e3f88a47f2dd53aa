package vigil.dashboard.web;

import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The caregivers' web page at {@code /} (plain HTML, CSS and JavaScript from the jar's {@code /web} folder: no build
 * step, no third-party code) and the OpenAPI document at {@code /api/v1/openapi.json}. Neither needs a token: the
 * page asks for one and sends it only in {@code Authorization} headers; it never puts it in a URL.
 */
public final class WebPage {
    public static final String OPENAPI_PATH = "/api/v1/openapi.json";
    /** Strict policy: scripts and styles only from the service itself; no framing (clickjacking on the ack button). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private WebPage() {}

    public static void install(JavalinConfig cfg) {
        cfg.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/web";
            files.location = Location.CLASSPATH;
            files.headers = Map.of(
                    "Cache-Control", "no-cache",
                    "Content-Security-Policy", CONTENT_SECURITY_POLICY,
                    "X-Content-Type-Options", "nosniff",
                    "Referrer-Policy", "no-referrer");
        });
    }

    public static void registerOpenApi(RoutesConfig routes) {
        byte[] document = load();
        routes.get(OPENAPI_PATH, ctx -> ctx.contentType("application/json").result(document));
    }

    private static byte[] load() {
        try (InputStream in = WebPage.class.getResourceAsStream("/openapi/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi/openapi.json missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
