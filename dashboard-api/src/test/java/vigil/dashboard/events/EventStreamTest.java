package vigil.dashboard.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import vigil.dashboard.DashboardServer;
import vigil.infra.local.LocalAws;
import vigil.dashboard.TestApi;
import vigil.dashboard.auth.TokenSpec;

/**
 * The event stream on a real server over DynamoDB Local: a change written to DynamoDB reaches a connected client in
 * scope within 2 s (api-v1.md), and never a client out of scope. Prints the measured delays.
 */
class EventStreamTest {
    private static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        api.putDevice("PUMP-E1", "infusion_pump", "ICU-4A", Instant.now());
        api.putDevice("PUMP-E2", "infusion_pump", "WARD-3B", Instant.now());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    record Event(String name, String data, long receivedNanos) {}

    /** Reads a stream on a daemon thread into a queue. */
    static final class Stream implements AutoCloseable {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final InputStream body;

        Stream(String token) throws Exception {
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(api.uri("/api/v1/events"))
                            .header("Authorization", "Bearer " + token)
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            body = r.body();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    String name = null;
                    StringBuilder data = new StringBuilder();
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("event:")) {
                            name = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5).trim());
                        } else if (line.isEmpty() && name != null) {
                            events.add(new Event(name, data.toString(), System.nanoTime()));
                            name = null;
                            data.setLength(0);
                        }
                    }
                } catch (Exception e) {
                    // stream closed
                }
            }, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        }

        Event next(String name, String containing, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                Event e = events.poll(left, TimeUnit.NANOSECONDS);
                if (e != null && e.name().equals(name) && e.data().contains(containing)) {
                    return e;
                }
            }
            return null;
        }

        @Override
        public void close() throws java.io.IOException {
            body.close();
        }
    }

    @Test
    void shouldDeliverEveryDeviceAndAlertChangeInScopeAndNoneOutOfScope() throws Exception {
        try (Stream icu = new Stream(api.token(TokenSpec.caregiver("nurse-icu", "ICU-4A")));
                Stream ward = new Stream(api.token(TokenSpec.caregiver("nurse-ward", "WARD-3B")))) {
            assertThat(icu.next("ready", "", Duration.ofSeconds(5))).isNotNull();
            assertThat(ward.next("ready", "", Duration.ofSeconds(5))).isNotNull();
            List<Long> delaysMillis = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long written = System.nanoTime();
                api.putDevice("PUMP-E1", "infusion_pump", "ICU-4A", Instant.now().plusMillis(i));
                Event e = icu.next("device", "PUMP-E1", Duration.ofSeconds(5));
                assertThat(e).as("device event %d", i).isNotNull();
                delaysMillis.add((e.receivedNanos() - written) / 1_000_000);
                Thread.sleep(137L * (i + 1) % 200); // land at different points of the poll period
            }
            long written = System.nanoTime();
            api.putAlert("PUMP-E1:DEVICE_OFFLINE:1790000000000", "PUMP-E1", "ICU-4A", "DEVICE_OFFLINE", "HIGH",
                    "ACTIVE", 1_790_000_000_000L);
            Event alert = icu.next("alert", "PUMP-E1:DEVICE_OFFLINE", Duration.ofSeconds(5));
            assertThat(alert).isNotNull();
            long alertDelayMillis = (alert.receivedNanos() - written) / 1_000_000;
            // A figure, not a bound: latency is measured by DashboardBrowserIT and the benchmarks (docs/benchmarks.md).
            System.out.printf("%n[sse] change written -> event received: device %s ms, alert %d ms%n%n",
                    delaysMillis, alertDelayMillis);
            assertThat(ward.next("device", "PUMP-E1", Duration.ofMillis(300))).as("out of scope").isNull();
            assertThat(ward.events.stream().map(Event::data)).noneMatch(d -> d.contains("PUMP-E1"));
        }
    }

    /**
     * Issue 14: the feed follows the tables' streams; it reads no table on a timer. An API over a client that counts
     * every DynamoDB call: while a client is connected and 40 device changes flow, the API makes no Scan and at most
     * one Query/Scan of the open-alert index (the baseline when the feed starts); idle, it makes no call at all. The
     * events of one device arrive in the order they were written.
     */
    @Test
    void shouldFollowTheStreamsWithoutReadingTablesOnATimer() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                        k -> new AtomicInteger()).incrementAndGet();
            }
        };
        try (DynamoDbClient counted = DynamoDbClient.builder()
                        .endpointOverride(api.aws.dynamoDbEndpoint())
                        .region(LocalAws.REGION)
                        .credentialsProvider(LocalAws.credentials())
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
                        .build();
                DashboardServer server = DashboardServer.start(TestApi.config(api.aws), counted)) {
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/v1/events"))
                            .header("Authorization", "Bearer " + api.token(TokenSpec.caregiver("nurse-icu", "ICU-4A")))
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            BlockingQueue<String> data = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("data:") && line.contains("PUMP-S")) {
                            data.add(line);
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
            }, "sse-count-reader");
            reader.setDaemon(true);
            reader.start();
            Thread.sleep(300);
            Map<String, Integer> afterStart = snapshot(calls);
            for (int i = 1; i <= 20; i++) {
                api.putDevice("PUMP-S1", "infusion_pump", "ICU-4A", Instant.ofEpochMilli(1_790_000_000_000L + i));
                api.putDevice("PUMP-S2", "infusion_pump", "ICU-4A", Instant.ofEpochMilli(1_790_000_000_000L + i));
            }
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                String d = data.poll(200, TimeUnit.MILLISECONDS);
                if (d != null) {
                    seen.add(d);
                }
                if (!seen.isEmpty() && lastTs(seen, "PUMP-S1") == LAST_TS_S
                        && lastTs(seen, "PUMP-S2") == LAST_TS_S) {
                    break;
                }
            }
            assertThat(lastTs(seen, "PUMP-S1")).isEqualTo(LAST_TS_S);
            assertThat(lastTs(seen, "PUMP-S2")).isEqualTo(LAST_TS_S);
            for (String device : List.of("PUMP-S1", "PUMP-S2")) {
                List<Long> ts = seen.stream().filter(d -> d.contains("\"" + device + "\""))
                        .map(EventStreamTest::lastTsOf).toList();
                assertThat(ts).as("events of %s in write order", device).isSorted();
            }
            Map<String, Integer> afterChanges = snapshot(calls);
            Thread.sleep(3000); // idle: the feed must not touch the tables
            Map<String, Integer> afterIdle = snapshot(calls);
            System.out.printf("%n[sse] DynamoDB calls of the API: at start %s, after 40 changes %s, after 3 s idle %s%n%n",
                    afterStart, afterChanges, afterIdle);
            assertThat(afterChanges).as("no table read per change").isEqualTo(afterStart);
            assertThat(afterIdle).as("no table read while idle").isEqualTo(afterChanges);
            assertThat(afterChanges.getOrDefault("Query", 0) + afterChanges.getOrDefault("Scan", 0))
                    .as("one read of the open alerts when the feed starts").isLessThanOrEqualTo(1);
            r.body().close();
        }
    }

    private static final long LAST_TS_S = 1_790_000_000_020L - 250; // TestApi.putDevice: ts = arrival - 250 ms

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> calls) {
        Map<String, Integer> copy = new java.util.TreeMap<>();
        calls.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    private static long lastTs(List<String> data, String device) {
        long last = -1;
        for (String d : data) {
            if (d.contains("\"" + device + "\"")) {
                last = lastTsOf(d);
            }
        }
        return last;
    }

    private static long lastTsOf(String data) {
        try {
            String iso = new com.fasterxml.jackson.databind.ObjectMapper().readTree(data.substring(5)).get("lastTs")
                    .asText();
            return Instant.parse(iso).toEpochMilli();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldRefuseAStreamWithoutTheEventStreamAcceptHeader() {
        TestApi.Reply r = api.get("/api/v1/events", api.token(TokenSpec.deviceAdmin("biomed")));
        assertThat(r.status).isEqualTo(406);
    }
}
