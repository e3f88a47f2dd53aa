package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import vigil.consumer.replay.Replay;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.AlertType;
import vigil.consumer.rules.HistoryEntry;
import vigil.consumer.rules.SettingsSource;
import vigil.infra.local.LocalAws;
import vigil.schema.Tables;
import vigil.sim.Simulation;
import vigil.sim.publish.RecordSink;
import vigil.sim.publish.SinkStats;
import vigil.sim.scenario.FaultSchedule;
import vigil.sim.scenario.Scenario;
import vigil.sim.scenario.ScenarioLoader;

/**
 * What the disturbance tests share: a fixed record set from a seeded scenario (generated in virtual time, so the
 * same every run), its undisturbed reference (the same records through {@link Replay}, the live consumer's
 * per-shard path), a paced publisher, and the comparison of the stored device states and alerts with the reference.
 *
 * <p>The reference compares the event-time alerts (rules on the records' {@code ts}); the processing-time types
 * (DEVICE_OFFLINE, DATA_QUALITY) depend on when records reach the consumer, and the tests send five minutes of
 * device time in well under a minute, so for those the test only requires the same in both: none.
 */
final class DisturbanceRun {
    static final Set<AlertType> PROCESSING_TIME = Set.of(AlertType.DEVICE_OFFLINE, AlertType.DATA_QUALITY);

    /** One record as sent: partition key (device id) and bytes. */
    record Sent(String deviceId, byte[] data) {}

    /** An alert as compared: its final status and its history as {@code change@epochMillis} steps. */
    record AlertOutcome(String status, List<String> steps) {}

    final List<Sent> records;
    final Map<String, Long> lastSeqByDevice = new TreeMap<>();
    final Map<String, Long> acceptedByDevice = new TreeMap<>();
    final Map<String, Long> lastTsByDevice = new TreeMap<>();
    final Map<String, AlertOutcome> referenceAlerts = new TreeMap<>();

    private DisturbanceRun(List<Sent> records) {
        this.records = records;
    }

    /** Generates the scenario's records and computes the reference. */
    static DisturbanceRun generate(String scenarioResource) throws Exception {
        Scenario scenario;
        try (InputStream in = DisturbanceRun.class.getResourceAsStream("/scenarios/" + scenarioResource)) {
            scenario = ScenarioLoader.parse(in, scenarioResource);
        }
        CapturingSink sink = new CapturingSink();
        var devices = scenario.createDevices(0);
        assertThat(Simulation.withScheduleClock(scenario.simConfig(0, Duration.ofSeconds(5)), devices,
                new FaultSchedule(scenario, devices), sink, scenario.start().toEpochMilli(), true).run().complete())
                .isTrue();
        DisturbanceRun run = new DisturbanceRun(List.copyOf(sink.records));
        run.computeReference();
        return run;
    }

    private void computeReference() {
        Map<String, Set<Long>> seqs = new TreeMap<>();
        for (Sent s : records) {
            long seq = seqOf(s.data());
            seqs.computeIfAbsent(s.deviceId(), k -> new HashSet<>()).add(seq);
            lastSeqByDevice.merge(s.deviceId(), seq, Math::max);
            lastTsByDevice.merge(s.deviceId(), numberAfter(s.data(), "\"ts\":"), Math::max);
        }
        seqs.forEach((id, set) -> acceptedByDevice.put(id, (long) set.size()));
        Replay replay = new Replay(SettingsSource.NONE, this::referenceTransition);
        for (Sent s : records) {
            replay.line(s.data(), 0, s.data().length);
        }
        replay.finish(null);
    }

    private void referenceTransition(AlertTransition t) {
        List<String> steps = new ArrayList<>();
        for (HistoryEntry h : t.history()) {
            steps.add(h.change().name() + "@" + h.atMillis());
        }
        referenceAlerts.put(t.alertId(), new AlertOutcome(t.status().name(), steps));
    }

    /** The alerts the reference raised that the tests compare: the event-time ones. Never empty (checked). */
    Map<String, AlertOutcome> comparedReferenceAlerts() {
        Map<String, AlertOutcome> out = new TreeMap<>();
        referenceAlerts.forEach((id, a) -> {
            if (!PROCESSING_TIME.contains(typeOf(id))) {
                out.put(id, a);
            }
        });
        return out;
    }

    private static AlertType typeOf(String alertId) {
        return AlertType.valueOf(alertId.split(":")[1]);
    }

    private static long seqOf(byte[] data) {
        return numberAfter(data, "\"seq\":");
    }

    private static long numberAfter(byte[] data, String key) {
        String json = new String(data, StandardCharsets.UTF_8);
        int at = json.indexOf(key) + key.length();
        int end = at;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return Long.parseLong(json.substring(at, end));
    }

    /**
     * Publishes every record in the background, {@code batch} records every {@code pauseMillis}, without a pause
     * longer than that: a gap of 30 s in arrivals would be a real DEVICE_OFFLINE for every device.
     */
    CompletableFuture<Void> publishInBackground(KinesisClient kinesis, String stream, int batch, long pauseMillis,
            AtomicLong sentCount) {
        return CompletableFuture.runAsync(() -> {
            try {
                publish(kinesis, stream, 0, records.size(), batch, pauseMillis, sentCount);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Sends records {@code [from, to)} in PutRecords batches of {@code batch} every {@code pauseMillis}, one batch
     * at a time so each device's records keep their order; failed entries are sent again before the next batch.
     */
    void publish(KinesisClient kinesis, String stream, int from, int to, int batch, long pauseMillis,
            AtomicLong sentCount) throws InterruptedException {
        for (int i = from; i < to; i += batch) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (Sent s : records.subList(i, Math.min(to, i + batch))) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(s.deviceId())
                        .data(SdkBytes.fromByteArray(s.data())).build());
            }
            while (!entries.isEmpty()) {
                PutRecordsResponse r = kinesis.putRecords(
                        PutRecordsRequest.builder().streamName(stream).records(entries).build());
                List<PutRecordsRequestEntry> failed = new ArrayList<>();
                for (int k = 0; k < r.records().size(); k++) {
                    PutRecordsResultEntry e = r.records().get(k);
                    if (e.errorCode() != null) {
                        failed.add(entries.get(k));
                    }
                }
                entries = failed;
            }
            sentCount.addAndGet(Math.min(to, i + batch) - i);
            Thread.sleep(pauseMillis);
        }
    }

    /** deviceId -> {lastSeq, countAccepted} as stored. */
    static Map<String, long[]> storedStates(LocalAws aws) {
        return CleanRestartIT.deviceStates(aws);
    }

    /** Waits until every device's stored lastSeq is the last one sent, or the timeout; true when reached. */
    boolean awaitStates(LocalAws aws, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (CleanRestartIT.lastSeqs(storedStates(aws)).equals(lastSeqByDevice)) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** Stored states and alerts equal the reference; no history holds a step twice. */
    void assertMatchesReference(LocalAws aws) {
        Map<String, long[]> states = storedStates(aws);
        assertThat(CleanRestartIT.lastSeqs(states)).as("no device state behind the last record sent")
                .isEqualTo(lastSeqByDevice);
        Map<String, Long> accepted = new TreeMap<>();
        states.forEach((id, s) -> accepted.put(id, s[1]));
        assertThat(accepted).as("accepted counts: every record applied once, none lost or counted twice")
                .isEqualTo(acceptedByDevice);
        CleanRestartIT.assertNoStepTwice(aws);
        Map<String, AlertOutcome> stored = storedAlerts(aws);
        Map<String, AlertOutcome> expected = comparedReferenceAlerts();
        assertThat(expected).as("the scenario raises event-time alerts").isNotEmpty();
        Map<String, AlertOutcome> storedEventTime = new TreeMap<>();
        stored.forEach((id, a) -> {
            if (!PROCESSING_TIME.contains(typeOf(id))) {
                storedEventTime.put(id, a);
            }
        });
        assertThat(storedEventTime).as("the full set of event-time alerts, statuses and histories")
                .isEqualTo(expected);
        Set<String> endOfStream = new HashSet<>();
        lastTsByDevice.forEach((id, ts) -> endOfStream.add(id + ":DEVICE_OFFLINE:" + ts));
        assertThat(stored.keySet().stream()
                        .filter(id -> PROCESSING_TIME.contains(typeOf(id)) && !endOfStream.contains(id))
                        .toList())
                .as("no processing-time alert (records flowed without a gap, nothing rejected) except DEVICE_OFFLINE"
                        + " after the end of the stream, where every device does go silent")
                .isEmpty();
    }

    static Map<String, AlertOutcome> storedAlerts(LocalAws aws) {
        Map<String, AlertOutcome> out = new TreeMap<>();
        for (Map<String, AttributeValue> item : aws.dynamoDbClient().scanPaginator(ScanRequest.builder()
                .tableName(Tables.ALERTS.nameWith(aws.tablePrefix())).consistentRead(true).build()).items()) {
            List<String> steps = new ArrayList<>();
            for (AttributeValue h : item.get("history").l()) {
                steps.add(h.m().get("change").s() + "@"
                        + java.time.Instant.parse(h.m().get("at").s()).toEpochMilli());
            }
            out.put(item.get("alertId").s(), new AlertOutcome(item.get("status").s(), steps));
        }
        return out;
    }

    /** Keeps every record in submission order. */
    private static final class CapturingSink implements RecordSink {
        final List<Sent> records = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void submit(String partitionKey, byte[] data) {
            records.add(new Sent(partitionKey, data));
        }

        @Override
        public boolean flush(Duration timeout) {
            return true;
        }

        @Override
        public SinkStats stats() {
            return new SinkStats(records.size(), records.size(), records.size(), 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void close() {}
    }
}
