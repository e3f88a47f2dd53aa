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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
    void shouldDeliverDeviceAndAlertChangesInScopeWithinTwoSeconds() throws Exception {
        try (Stream icu = new Stream(api.token(TokenSpec.caregiver("nurse-icu", "ICU-4A")));
                Stream ward = new Stream(api.token(TokenSpec.caregiver("nurse-ward", "WARD-3B")))) {
            assertThat(icu.next("ready", "", Duration.ofSeconds(5))).isNotNull();
            assertThat(ward.next("ready", "", Duration.ofSeconds(5))).isNotNull();
            Thread.sleep(1200); // let the feed take its baseline
            List<Long> delaysMillis = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long written = System.nanoTime();
                api.putDevice("PUMP-E1", "infusion_pump", "ICU-4A", Instant.now().plusMillis(i));
                Event e = icu.next("device", "PUMP-E1", Duration.ofSeconds(5));
                assertThat(e).as("device event %d", i).isNotNull();
                delaysMillis.add((e.receivedNanos() - written) / 1_000_000);
                Thread.sleep(137L * (i + 1) % 500); // land at different points of the poll period
            }
            long written = System.nanoTime();
            api.putAlert("PUMP-E1:DEVICE_OFFLINE:1790000000000", "PUMP-E1", "ICU-4A", "DEVICE_OFFLINE", "HIGH",
                    "ACTIVE", 1_790_000_000_000L);
            Event alert = icu.next("alert", "PUMP-E1:DEVICE_OFFLINE", Duration.ofSeconds(5));
            assertThat(alert).isNotNull();
            long alertDelayMillis = (alert.receivedNanos() - written) / 1_000_000;
            System.out.printf("%n[sse] change written -> event received: device %s ms, alert %d ms (bound 2000 ms)%n%n",
                    delaysMillis, alertDelayMillis);
            assertThat(delaysMillis).allSatisfy(d -> assertThat(d).isLessThan(2000));
            assertThat(alertDelayMillis).isLessThan(2000);
            assertThat(ward.next("device", "PUMP-E1", Duration.ofMillis(300))).as("out of scope").isNull();
            assertThat(ward.events.stream().map(Event::data)).noneMatch(d -> d.contains("PUMP-E1"));
        }
    }

    @Test
    void shouldRefuseAStreamWithoutTheEventStreamAcceptHeader() {
        TestApi.Reply r = api.get("/api/v1/events", api.token(TokenSpec.deviceAdmin("biomed")));
        assertThat(r.status).isEqualTo(406);
    }
}
