package vigil.dashboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import vigil.dashboard.DashboardConfig;
import vigil.dashboard.DashboardServer;
import vigil.dashboard.TestApi;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;

/** Requests are timed by route template on a separate metrics port; raw paths (device ids) never become tags. */
class ApiMetricsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void timesRequestsByRouteTemplateOnTheMetricsPortOnly() throws Exception {
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis());
                ApiMetrics metrics = new ApiMetrics()) {
            int metricsPort = metrics.serve("127.0.0.1", 0);
            DashboardServer server = DashboardServer.start(
                    new DashboardConfig("127.0.0.1", 0, aws.tablePrefix(), TestApi.SECRET, aws.dynamoDbEndpoint(),
                            LocalAws.REGION.id()),
                    aws.dynamoDbClient(), metrics);
            try {
                String api = "http://127.0.0.1:" + server.port();
                assertThat(get(api + "/api/v1/devices/PUMP-7781").statusCode()).isEqualTo(401); // no token
                assertThat(get(api + "/no/such/path/PUMP-7781").statusCode()).isEqualTo(404);
                assertThat(get(api + "/metrics").statusCode()).as("not on the public API port").isEqualTo(404);

                HttpResponse<String> scrape = get("http://127.0.0.1:" + metricsPort + "/metrics");
                assertThat(scrape.statusCode()).isEqualTo(200);
                assertThat(scrape.body())
                        .contains("http_server_requests_seconds_count{")
                        .contains("route=\"/api/v1/devices/{deviceId}\"")
                        .contains("status=\"401\"")
                        .contains("route=\"NOT_FOUND\"")
                        .contains("jvm_memory_used_bytes")
                        .doesNotContain("PUMP-7781");
            } finally {
                server.close();
            }
        }
    }

    @Test
    void portFromEnvironment() {
        assertThat(ApiMetrics.portFromEnv(java.util.Map.of())).isEqualTo(ApiMetrics.DEFAULT_PORT);
        assertThat(ApiMetrics.portFromEnv(java.util.Map.of(ApiMetrics.ENV_METRICS_PORT, "-1"))).isEqualTo(-1);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> ApiMetrics.portFromEnv(java.util.Map.of(ApiMetrics.ENV_METRICS_PORT, "70000")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
