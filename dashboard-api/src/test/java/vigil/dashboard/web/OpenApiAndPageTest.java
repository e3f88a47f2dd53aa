package vigil.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.dashboard.TestApi;

/** The OpenAPI document describes exactly the routes the server has (both directions), and the page is served. */
class OpenApiAndPageTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void shouldDocumentEveryRouteAndNoOther() {
        TestApi.Reply r = api.get("/api/v1/openapi.json", null);
        assertThat(r.status).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").properties().iterator(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : path.getValue().properties().stream().map(Map.Entry::getKey).toList()) {
                if (METHODS.contains(method)) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        Set<String> served = new TreeSet<>(api.server.routes());
        assertThat(documented).as("documented but not served").isSubsetOf(served);
        assertThat(served).as("served but not documented").isSubsetOf(documented);
        assertThat(served).contains("GET /api/v1/events", "POST /api/v1/alerts/{alertId}/ack",
                "PUT /api/v1/devices/{deviceId}/settings");
    }

    @Test
    void shouldServeThePageWithoutATokenAndWithAStrictContentSecurityPolicy() {
        TestApi.Reply page = api.get("/", null);
        assertThat(page.status).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body).contains("<script src=\"/app.js\"");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
        assertThat(api.get("/app.js", null).status).isEqualTo(200);
        assertThat(api.get("/app.css", null).status).isEqualTo(200);
    }

    @Test
    void shouldAnswerNoCorsHeadersByDefault() {
        TestApi.Reply r = api.request("GET", "/api/v1/devices", api.token(vigil.dashboard.auth.TokenSpec
                .deviceAdmin("biomed")), null, "Origin", "https://elsewhere.test");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
}
