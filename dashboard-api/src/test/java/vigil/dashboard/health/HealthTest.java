package vigil.dashboard.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.dashboard.DashboardServer;
import vigil.dashboard.TestApi;

/** GET /health: UP when the tables answer, DOWN (503) when they do not. */
class HealthTest {
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
    void shouldReportUpWhenEveryTableAnswers() {
        TestApi.Reply reply = api.get("/health", null);

        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void shouldReport503DownWhenTheTablesDoNotExist() throws Exception {
        try (DashboardServer wrongPrefix =
                DashboardServer.start(TestApi.config(api.aws).withTablePrefix("nope-"), api.dynamo())) {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + wrongPrefix.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(reply.statusCode()).isEqualTo(503);
            assertThat(reply.body()).contains("\"status\":\"DOWN\"");
        }
    }
}
