package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.VigilConsumer;
import vigil.dashboard.DashboardConfig;
import vigil.dashboard.DashboardServer;
import vigil.dashboard.auth.TokenMinter;
import vigil.dashboard.auth.TokenSpec;
import vigil.sim.RecordFlow;
import vigil.sim.SimConfig;
import vigil.sim.SimResult;
import vigil.sim.Simulation;
import vigil.sim.device.DeviceFleet;
import vigil.sim.publish.KinesisPublisher;
import vigil.sim.publish.PublisherConfig;

/**
 * The end-to-end scenario, run against any stack (kinesalite + DynamoDB Local, or LocalStack): the simulator sends
 * telemetry for {@code pumps + dialysis} devices through Kinesis, the KCL consumer writes device state, and every
 * device's {@code lastSeq} read back through the dashboard API must equal the last one sent.
 */
final class EndToEndScenario {
    /** Where the stack is. */
    record Stack(
            URI kinesisEndpoint,
            URI dynamoDbEndpoint,
            String streamName,
            String tablePrefix,
            KinesisClient kinesis,
            DynamoDbClient dynamo,
            AwsCredentialsProvider credentials) {}

    /** What was measured, printed by the tests and quoted in docs. */
    record Figures(
            long recordsSent,
            double producedPerSecond,
            long consumerStartToFirstStateMillis,
            double consumedPerSecond,
            long sendStartToAllDurableMillis) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private EndToEndScenario() {}

    /**
     * @param aggregate the simulator packs records per shard into KPL-aggregated Kinesis records; the consumer (KCL)
     *                  must then see each user record exactly once all the same
     */
    static Figures run(Stack stack, int pumps, int dialysis, long records, double rate, Duration timeout,
            boolean aggregate) throws Exception {
        PublisherConfig publisherConfig = PublisherConfig.defaults(stack.streamName());
        String secret = TokenMinter.generateSecret();
        TokenMinter minter = TokenMinter.forSecret(secret);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long consumerStartNanos = System.nanoTime();
        try (VigilConsumer consumer = VigilConsumer.start(
                        ConsumerConfig.local(stack.kinesisEndpoint(), stack.dynamoDbEndpoint(), stack.streamName(),
                                stack.tablePrefix()),
                        stack.credentials(),
                        registry,
                        Clock.systemUTC());
                DashboardServer api = DashboardServer.start(
                        new DashboardConfig("127.0.0.1", 0, stack.tablePrefix(), secret, stack.dynamoDbEndpoint(),
                                "us-east-1"),
                        stack.dynamo());
                KinesisPublisher publisher = new KinesisPublisher(stack.kinesis(), aggregate
                        ? publisherConfig.withAggregation(PublisherConfig.DEFAULT_MAX_AGGREGATE_BYTES)
                        : publisherConfig)) {

            SimConfig sim = SimConfig.defaults()
                    .withDevices(pumps, dialysis)
                    .withRecordsPerSecond(rate)
                    .withLimits(null, records)
                    .withSeed(20261122L);
            assertThat(consumer.meters()).isNotNull();
            long sendStartNanos = System.nanoTime();
            // Aggregated: generation runs ahead of the sends (device time from the schedule, at most
            // records / rate seconds ahead of the wall clock, well inside the 300 s future limit), so devices have
            // several records queued and the aggregates are large, whatever the machine's speed.
            SimResult sent = aggregate
                    ? Simulation.withScheduleClock(sim, DeviceFleet.create(pumps, dialysis, sim.careUnits(),
                                    sim.collectorId(), sim.seed(), 0), RecordFlow.plain(), publisher,
                            System.currentTimeMillis(), true).run()
                    : new Simulation(sim, publisher).run();
            assertThat(sent.complete()).as("simulator delivered everything: %s", sent.failure()).isTrue();
            assertThat(sent.recordsSent()).isEqualTo(records);
            assertThat(sent.lastSeqByDevice()).hasSize(pumps + dialysis);
            if (aggregate) {
                System.out.printf("%n[e2e] %d records in %d KPL-aggregated Kinesis records%n", sent.recordsSent(),
                        sent.sinkStats().transportRecords());
                assertThat(sent.sinkStats().transportRecords()).as("Kinesis records").isLessThan(records / 10);
            }
            double producedPerSecond = sent.recordsSent() / ((System.nanoTime() - sendStartNanos) / 1e9);

            String base = "http://127.0.0.1:" + api.port();
            String admin = minter.mint(TokenSpec.deviceAdmin("e2e-biomed"));
            long deadline = System.nanoTime() + timeout.toNanos();
            long firstStateNanos = -1;
            long firstInNanos = -1;
            Map<String, Long> seen = new HashMap<>();
            while (System.nanoTime() < deadline) {
                double in = registry.get("vigil.records.in").counter().count();
                if (in > 0 && firstInNanos < 0) {
                    firstInNanos = System.nanoTime();
                }
                seen = listLastSeqs(base, admin);
                if (!seen.isEmpty() && firstStateNanos < 0) {
                    firstStateNanos = System.nanoTime();
                }
                if (seen.equals(sent.lastSeqByDevice())) {
                    break;
                }
                Thread.sleep(200);
            }
            long allDurableNanos = System.nanoTime();
            assertThat(seen).as("lastSeq per device read through the API").isEqualTo(sent.lastSeqByDevice());
            // each device's last record is applied, so every earlier one was processed: every user record came out
            // of KCL and was accepted (an aggregate KCL dropped would show here). Copies (at least once: a retried
            // call, a KCL redelivery) are counted as duplicates, not accepted again.
            double in = registry.get("vigil.records.in").counter().count();
            double duplicates = registry.get("vigil.records.duplicate").counter().count();
            assertThat(registry.get("vigil.records.accepted").counter().count()).isEqualTo((double) records);
            assertThat(in).isEqualTo(records + duplicates);

            // Every device read one by one through the device endpoint, too.
            for (Map.Entry<String, Long> device : sent.lastSeqByDevice().entrySet()) {
                JsonNode d = get(base + "/api/v1/devices/" + device.getKey(), admin);
                assertThat(d.get("lastSeq").asLong()).as(device.getKey()).isEqualTo(device.getValue());
            }
            // A caregiver sees exactly the devices of its care unit.
            String careUnit = SimConfig.DEFAULT_CARE_UNITS.get(0);
            String nurse = minter.mint(TokenSpec.caregiver("e2e-nurse", careUnit));
            Map<String, Long> scoped = listLastSeqs(base, nurse);
            assertThat(scoped).isNotEmpty().hasSizeLessThan(pumps + dialysis);
            for (String id : scoped.keySet()) {
                assertThat(get(base + "/api/v1/devices/" + id, nurse).get("careUnit").asText()).isEqualTo(careUnit);
            }

            double drainSeconds = Math.max(1e-3, (allDurableNanos - firstInNanos) / 1e9);
            return new Figures(
                    sent.recordsSent(),
                    producedPerSecond,
                    (firstStateNanos - consumerStartNanos) / 1_000_000,
                    sent.recordsSent() / drainSeconds,
                    (allDurableNanos - sendStartNanos) / 1_000_000);
        }
    }

    /** Pages through GET /api/v1/devices; deviceId to lastSeq. */
    private static Map<String, Long> listLastSeqs(String base, String token) throws IOException, InterruptedException {
        Map<String, Long> result = new HashMap<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        do {
            String url = base + "/api/v1/devices?limit=37"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = get(url, token);
            for (JsonNode item : page.get("items")) {
                result.put(item.get("deviceId").asText(), item.get("lastSeq").asLong());
            }
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
            assertThat(cursor == null || cursors.add(cursor)).as("cursor repeats").isTrue();
        } while (cursor != null);
        return result;
    }

    private static JsonNode get(String url, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static void print(String stackName, Figures f) {
        System.out.printf(
                "%n[e2e %s] records sent %d; produced %.0f records/s; consumer start to first device state %d ms;"
                        + " consumed %.0f records/s (first record in to all durable); send start to all durable"
                        + " %d ms%n%n",
                stackName, f.recordsSent(), f.producedPerSecond(), f.consumerStartToFirstStateMillis(),
                f.consumedPerSecond(), f.sendStartToAllDurableMillis());
    }

    static List<String> careUnits() {
        return SimConfig.DEFAULT_CARE_UNITS;
    }
}
