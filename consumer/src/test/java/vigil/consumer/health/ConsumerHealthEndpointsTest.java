package vigil.consumer.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.metrics.MetricsServer;
import vigil.infra.local.LocalAws;

/** Liveness and readiness over HTTP, both states of each, with controllable inputs. */
class ConsumerHealthEndpointsTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean schedulerRunning = new AtomicBoolean(true);
    private final AtomicInteger leases = new AtomicInteger();
    private final AtomicBoolean dynamoUp = new AtomicBoolean(true);
    private PrometheusMeterRegistry registry;
    private MetricsServer server;

    @BeforeEach
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ConsumerMeters meters = new ConsumerMeters(registry);
        ConsumerHealth health = new ConsumerHealth(schedulerRunning::get, leases::get, dynamoUp::get);
        server = MetricsServer.start("127.0.0.1", 0, registry::scrape, health, meters.stateLatency());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyOnlyWithALeaseAndDynamoDb() throws Exception {
        leases.set(0);
        HttpResponse<String> noLease = get("/health/ready");
        assertThat(noLease.statusCode()).isEqualTo(503);
        assertThat(noLease.body()).contains("\"status\":\"DOWN\"").contains("\"leases\":0");

        leases.set(2);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"UP\"").contains("\"leases\":2")
                .contains("\"dynamodb\":\"reachable\"");

        dynamoUp.set(false);
        HttpResponse<String> noDynamo = get("/health/ready");
        assertThat(noDynamo.statusCode()).isEqualTo(503);
        assertThat(noDynamo.body()).contains("\"dynamodb\":\"unreachable\"");
    }

    @Test
    void liveWhileTheSchedulerRunsEvenWithoutLease() throws Exception {
        leases.set(0);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        schedulerRunning.set(false);
        assertThat(get("/health/live").statusCode()).isEqualTo(503);
        leases.set(1);
        assertThat(get("/health/ready").statusCode()).as("a dead scheduler is never ready").isEqualTo(503);
    }

    @Test
    void servesPrometheusTextAndRejectsOtherMethods() throws Exception {
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));
        assertThat(metrics.body()).contains("vigil_records_in").contains("vigil_shard_leases");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/health/ready"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void dynamoReachabilityFollowsTheRealEndpoint() throws Exception {
        AtomicLong nanos = new AtomicLong();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (DynamoDbAsyncClient nowhere = client(URI.create("http://127.0.0.1:" + closedPort))) {
            DynamoReachability probe = new DynamoReachability(nowhere, "vigil-device-state", Duration.ofSeconds(5),
                    Duration.ofSeconds(2), nanos::get);
            assertThat(probe.getAsBoolean()).isFalse();
        }
        try (LocalAws aws = LocalAws.start(vigil.infra.local.LocalAwsConfig.defaults().withoutKinesis());
                DynamoDbAsyncClient dynamo = client(aws.dynamoDbEndpoint())) {
            String table = vigil.schema.Tables.DEVICE_STATE.nameWith(aws.tablePrefix());
            DynamoReachability probe =
                    new DynamoReachability(dynamo, table, Duration.ofSeconds(5), Duration.ofSeconds(5), nanos::get);
            assertThat(probe.getAsBoolean()).isTrue();
            DynamoReachability missing = new DynamoReachability(dynamo, "no-such-table", Duration.ofSeconds(5),
                    Duration.ofSeconds(5), nanos::get);
            assertThat(missing.getAsBoolean()).as("a missing table: state cannot be written").isFalse();
        }
    }

    private static DynamoDbAsyncClient client(URI endpoint) {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(LocalAws.credentials())
                .build();
    }
}
