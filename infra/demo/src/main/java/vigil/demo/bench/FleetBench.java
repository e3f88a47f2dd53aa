package vigil.demo.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.ConsumerOptions;
import vigil.consumer.VigilConsumer;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.ingest.ShardIngest;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.metrics.ShardMeters;
import vigil.consumer.recovery.RecoveryChunk;
import vigil.consumer.recovery.dynamodb.RecoveryItems;
import vigil.consumer.replay.ReplayClock;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.DeviceSettings;
import vigil.consumer.state.PendingEffects;
import vigil.consumer.state.dynamodb.AlertItems;
import vigil.consumer.state.dynamodb.DeviceStateItems;
import vigil.consumer.state.dynamodb.DynamoSettingsFeed;
import vigil.dashboard.DashboardConfig;
import vigil.dashboard.DashboardServer;
import vigil.dashboard.auth.TokenMinter;
import vigil.dashboard.auth.TokenSpec;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.AlertAttributes;
import vigil.schema.Tables;
import vigil.telemetry.DeviceType;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/**
 * {@code ./vigil bench --fleet}: what the system reads in the background as the fleet grows, and how long a shard's
 * takeover takes, at several fleet sizes (issue 14; docs/benchmarks.md, "Fleet").
 *
 * <p>Per size, on a fresh local stack: the tables are seeded with what the consumer itself would have written for
 * that fleet (device state, open DEVICE_OFFLINE alerts, recovery journal, one settings document per ten devices),
 * built by the consumer's own ingest and item code from one record per device; then the consumer and the API start
 * in this process, each talking to DynamoDB through a {@link CountingHttpProxy}, and an event-stream client
 * connects. Measured: each shard's takeover (lease taken → restored from the journal → first durable write), the
 * DynamoDB requests and response bytes per second of the consumer and of the API while nothing changes, and again
 * while a part of the fleet sends. The old design's reads (a Scan of the device-state table and of the open-alert
 * index every 500 ms per API instance, a Scan of the settings table every 2 s per worker) are read once each in the
 * same run, with their consumed capacity, as the baseline.
 *
 * <p>The seeded devices are silent, with their DEVICE_OFFLINE alert open (so that nothing changes by itself while
 * measuring); their journals hold one record each, not full windows (full-window takeover: FleetTakeoverIT).
 */
final class FleetBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String SECRET = "fleet-bench-secret-fleet-bench-secret-0123456789";
    private static final String[] UNITS = {"ICU-4A", "ICU-4B", "WARD-3B", "WARD-5C", "ONC-2", "DIALYSIS-1",
        "DIALYSIS-2", "ED-1", "NICU-1", "HOME-1"};

    /** Options of {@code ./vigil bench --fleet}. */
    record Options(List<Integer> sizes, int quietSeconds, int trafficSeconds, int trafficRate, int shards,
            Path docs) {
        static final String USAGE = String.join("\n",
                "Usage: ./vigil bench --fleet [options]",
                "",
                "Fleet benchmark on the local stack (loopback only): per fleet size, seeds the tables with what the",
                "consumer writes for that many devices, starts the consumer and the API (each behind a counting proxy",
                "to DynamoDB) and an event-stream client, and measures: takeover per shard (lease taken to first",
                "durable write, journal restore included), DynamoDB requests and bytes read per second by the",
                "consumer and the API while nothing changes and while part of the fleet sends, and the old design's",
                "reads (table scans on timers) in the same run. Writes the 'Fleet' section of DOCS/benchmarks.md.",
                "",
                "Options:",
                "  --sizes N1,N2,...   fleet sizes (default 1000,10000,100000)",
                "  --quiet SECONDS     measured while nothing changes (default 60)",
                "  --traffic SECONDS   measured while devices send (default 60)",
                "  --traffic-rate R    records/s during the traffic phase, one record per device per 20 s over",
                "                      min(fleet, 20 x R) devices (default 100)",
                "  --shards N          Kinesis shards (default 4)",
                "  --docs DIR          output folder (default docs)",
                "  --help              this text",
                "",
                "Seeding 100,000 devices (three tables) takes a few minutes here; the default run about 15 minutes.");

        static Options parse(List<String> args) {
            List<Integer> sizes = List.of(1_000, 10_000, 100_000);
            int quiet = 60;
            int traffic = 60;
            int rate = 100;
            int shards = 4;
            Path docs = Path.of("docs");
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String v = i + 1 < args.size() ? args.get(i + 1) : null;
                if (v == null) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                switch (a) {
                    case "--sizes" -> sizes = ints(a, v, 10, 1_000_000);
                    case "--quiet" -> quiet = ints(a, v, 10, 3_600).get(0);
                    case "--traffic" -> traffic = ints(a, v, 0, 3_600).get(0);
                    case "--traffic-rate" -> rate = ints(a, v, 1, 1_000).get(0);
                    case "--shards" -> shards = ints(a, v, 1, 16).get(0);
                    case "--docs" -> docs = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
                i++;
            }
            return new Options(sizes, quiet, traffic, rate, shards, docs);
        }

        static List<Integer> ints(String option, String value, int min, int max) {
            List<Integer> out = new ArrayList<>();
            for (String part : value.split(",")) {
                try {
                    int n = Integer.parseInt(part.trim());
                    if (n < min || n > max) {
                        throw new IllegalArgumentException(option + " values must be " + min + ".." + max + ": " + n);
                    }
                    out.add(n);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(option + " takes numbers: " + value);
                }
            }
            return out;
        }
    }

    /** Requests and response bytes per second over a window, by "Operation table". */
    record Rates(Map<String, Double> requests, Map<String, Double> bytes, double seconds) {
        double requestsWhere(java.util.function.Predicate<String> key) {
            return requests.entrySet().stream().filter(e -> key.test(e.getKey())).mapToDouble(Map.Entry::getValue)
                    .sum();
        }

        double bytesWhere(java.util.function.Predicate<String> key) {
            return bytes.entrySet().stream().filter(e -> key.test(e.getKey())).mapToDouble(Map.Entry::getValue).sum();
        }
    }

    /** What the old design read once, measured in this run: consumed read units and bytes. */
    record OldRead(double readUnits, long items, long bytes) {}

    /** One fleet size's figures. */
    record Result(int devices, double seedSeconds, Map<String, Double> takeoverSeconds,
            Map<String, Double> restoreSeconds,
            Rates consumerQuiet, Rates apiQuiet, Rates consumerTraffic, Rates apiTraffic, int trafficDevices,
            long eventsReceived, OldRead deviceScan, OldRead openIndexScan, OldRead settingsScan) {}

    private FleetBench() {}

    static void run(List<String> args) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("vigil bench --fleet: " + e.getMessage() + "\n\n" + Options.USAGE);
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        String machine = Machine.describe();
        double loadBefore = Machine.loadAverage();
        List<Result> results = new ArrayList<>();
        for (int size : o.sizes()) {
            results.add(runSize(size, o));
        }
        double loadAfter = Machine.loadAverage();
        String section = report(o, results, machine, loadBefore, loadAfter,
                Duration.ofNanos(System.nanoTime() - start));
        writeSection(o.docs().resolve("benchmarks.md"), section);
        System.out.println();
        System.out.println(section);
        System.exit(0); // emulator and SDK threads
    }

    private static Result runSize(int size, Options o) throws Exception {
        progress("[%,d devices] starting the local stack (%d shards)...", size, o.shards());
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults().withShardCount(o.shards()));
                CountingHttpProxy consumerProxy = new CountingHttpProxy(aws.dynamoDbEndpoint().getPort());
                CountingHttpProxy apiProxy = new CountingHttpProxy(aws.dynamoDbEndpoint().getPort())) {
            long seedStart = System.nanoTime();
            seed(aws, size);
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            OldRead deviceScan = scanOnce(aws.dynamoDbClient(), Tables.DEVICE_STATE.nameWith(aws.tablePrefix()), null,
                    false);
            OldRead openScan = scanOnce(aws.dynamoDbClient(), Tables.ALERTS.nameWith(aws.tablePrefix()),
                    AlertAttributes.INDEX_OPEN_BY_CARE_UNIT, false);
            OldRead settingsScan = scanOnce(aws.dynamoDbClient(), Tables.SETTINGS.nameWith(aws.tablePrefix()), null,
                    true);

            DynamoDbClient apiDynamo = DynamoDbClient.builder()
                    .endpointOverride(apiProxy.endpoint())
                    .region(LocalAws.REGION)
                    .credentialsProvider(LocalAws.credentials())
                    .httpClientBuilder(ApacheHttpClient.builder())
                    .build();
            try (DashboardServer api = DashboardServer.start(
                            new DashboardConfig(DashboardConfig.DEFAULT_HOST, 0, aws.tablePrefix(), SECRET, null, null),
                            apiDynamo);
                    EventClient events = new EventClient(api.port())) {
                progress("[%,d devices] API up, event-stream client connected; starting the consumer...", size);
                long consumerStart = System.currentTimeMillis();
                try (VigilConsumer consumer = VigilConsumer.start(
                        ConsumerConfig.local(aws.kinesisEndpoint(), consumerProxy.endpoint(), aws.streamName(),
                                aws.tablePrefix()),
                        ConsumerOptions.none(), LocalAws.credentials(), new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
                    List<String> shards = aws.kinesisClient().listShards(b -> b.streamName(aws.streamName()))
                            .shards().stream().map(s -> s.shardId()).toList();
                    Map<String, Double> restore = new TreeMap<>();
                    Map<String, Double> takeover =
                            awaitTakeover(consumer.meters(), shards, consumerStart, size, restore);
                    awaitStartupReads(consumerProxy, size); // e.g. the stored acknowledgements of restored alerts
                    progress("[%,d devices] measuring %d s while nothing changes...", size, o.quietSeconds());
                    Rates[] quiet = measure(consumerProxy, apiProxy, o.quietSeconds());
                    int trafficDevices = Math.min(size, 20 * o.trafficRate());
                    Rates[] traffic = null;
                    if (o.trafficSeconds() > 0) {
                        progress("[%,d devices] measuring %d s while %,d devices send (%d records/s)...", size,
                                o.trafficSeconds(), trafficDevices, o.trafficRate());
                        traffic = measureWithTraffic(aws, consumerProxy, apiProxy, o, trafficDevices);
                    }
                    return new Result(size, seedSeconds, takeover, restore, quiet[0], quiet[1],
                            traffic == null ? null : traffic[0], traffic == null ? null : traffic[1],
                            trafficDevices, events.received.get(), deviceScan, openScan, settingsScan);
                }
            } finally {
                apiDynamo.close();
            }
        }
    }

    // ---- seeding ----------------------------------------------------------------------------------------------

    /**
     * Writes, for {@code size} devices, what the consumer would have: each device's state, its open DEVICE_OFFLINE
     * alert and its recovery journal (the consumer's own ingest and item code, from one record per device, then 40 s
     * of silence), and a settings document for every tenth device.
     */
    private static void seed(LocalAws aws, int size) throws Exception {
        String prefix = aws.tablePrefix();
        DynamoDbClient dynamo = aws.dynamoDbClient();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        AtomicLong written = new AtomicLong();
        long t0 = System.currentTimeMillis() - 60_000;
        TelemetryEncoder encoder = new TelemetryEncoder();
        long lastProgress = System.nanoTime();
        List<Future<?>> pending = new ArrayList<>();
        int batch = 5_000;
        for (int from = 0; from < size; from += batch) {
            int to = Math.min(size, from + batch);
            ReplayClock clock = new ReplayClock();
            clock.set(t0);
            // The settings documents of this batch, as the consumer reads them: its rules apply them and its
            // journal records their version, as a steady fleet's would (a new owner then has nothing to re-apply).
            List<Map<String, AttributeValue>> settings = new ArrayList<>();
            Map<String, DeviceSettings> documents = new HashMap<>();
            for (int i = from; i < to; i += 10) {
                Map<String, AttributeValue> item = settingsItem(i);
                settings.add(item);
                documents.put(deviceId(i), DynamoSettingsFeed.toSettings(item));
            }
            ShardIngest ingest = new ShardIngest("seed", clock, new ConsumerMeters(new SimpleMeterRegistry()),
                    documents::get, 0);
            long seq = 0;
            for (int i = from; i < to; i++) {
                byte[] bytes = encoder.encode(record(i, 1, t0 - 250));
                ingest.accept(ByteBuffer.wrap(bytes), Long.toString(++seq), 0, t0);
            }
            clock.set(t0 + 40_000);
            ingest.onTick(t0 + 40_000); // DEVICE_OFFLINE opens for every silent device
            PendingEffects effects = ingest.drainEffects(ShardIngest.StateWrites.ALL, true);
            List<Map<String, AttributeValue>> states = new ArrayList<>();
            for (DeviceSnapshot s : effects.deviceStates()) {
                states.add(DeviceStateItems.toItem(s));
            }
            List<Map<String, AttributeValue>> alerts = new ArrayList<>();
            for (AlertTransition a : effects.alerts()) {
                alerts.add(AlertItems.toItem(a));
            }
            List<Map<String, AttributeValue>> chunks = new ArrayList<>();
            for (RecoveryChunk c : effects.recoveryChunks()) {
                chunks.add(RecoveryItems.toItem(c, t0));
            }
            pending.add(writers.submit(() -> batchWrite(dynamo, Tables.DEVICE_STATE.nameWith(prefix), states,
                    written)));
            pending.add(writers.submit(() -> batchWrite(dynamo, Tables.ALERTS.nameWith(prefix), alerts, written)));
            pending.add(writers.submit(() -> batchWrite(dynamo, Tables.DEVICE_RECOVERY.nameWith(prefix), chunks,
                    written)));
            pending.add(writers.submit(() -> batchWrite(dynamo, Tables.SETTINGS.nameWith(prefix), settings,
                    written)));
            while (pending.size() > 16) { // bounded memory: wait for the oldest batch
                pending.remove(0).get();
            }
            if (System.nanoTime() - lastProgress > 5_000_000_000L) {
                lastProgress = System.nanoTime();
                progress("  seeding: %,d of %,d devices built, %,d items written", to, size, written.get());
            }
        }
        for (Future<?> f : pending) {
            f.get();
        }
        writers.shutdown();
        progress("  seeded %,d devices: %,d items (state, open alert, journal chunk; settings for every tenth)",
                size, written.get());
    }

    static TelemetryRecord record(int i, long seq, long tsMillis) {
        String unit = UNITS[i % UNITS.length];
        if (i % 3 == 2) {
            return new DialysisRecord(
                    new Envelope(deviceId(i), DeviceType.DIALYSIS, seq, tsMillis, "HD-5008", "5.2.1", unit, null,
                            null),
                    new DialysisMetrics(DialysisState.TREATMENT, 300, 500, -150, 150, 100, 14.0, 14.0, 37.0, 37.0,
                            500, 2000, 5000, 60, 240, 400, null, null));
        }
        return new PumpRecord(
                new Envelope(deviceId(i), DeviceType.INFUSION_PUMP, seq, tsMillis, "LVP-200", "3.1.4", unit, null,
                        null),
                new PumpMetrics(PumpState.RUNNING, 83 + i % 40, 10 + seq * 0.02, 1000, 85, 97, true,
                        "inf-" + (i % 100_000), null, null));
    }

    static String deviceId(int i) {
        return (i % 3 == 2 ? "DIAL-" : "PUMP-") + String.format(Locale.ROOT, "%07d", i);
    }

    private static Map<String, AttributeValue> settingsItem(int i) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("deviceId", AttributeValue.fromS(deviceId(i)));
        item.put("version", AttributeValue.fromN("1"));
        item.put("careUnit", AttributeValue.fromS(UNITS[i % UNITS.length]));
        item.put("calibration", AttributeValue.fromM(Map.of(
                "lastCalibratedAt", AttributeValue.fromS("2026-06-01T08:00:00Z"),
                "intervalDays", AttributeValue.fromN("365"),
                "flowCorrectionFactor", AttributeValue.fromN("1.0"))));
        item.put("updatedAt", AttributeValue.fromS("2026-06-01T08:03:11Z"));
        item.put("updatedBy", AttributeValue.fromS("biomed-bench"));
        return item;
    }

    private static void batchWrite(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> items,
            AtomicLong written) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> requests = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + 25))) {
                requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> request = Map.of(table, requests);
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt > 20) {
                    throw new IllegalStateException("seeding " + table + ": unprocessed items after 20 attempts");
                }
                Map<String, List<WriteRequest>> r = request;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(r));
                request = response.unprocessedItems();
            }
            written.addAndGet(requests.size());
        }
    }

    /** One whole read of a table or index, as the old design did on its timers. */
    private static OldRead scanOnce(DynamoDbClient dynamo, String table, String index, boolean consistent) {
        double units = 0;
        long items = 0;
        long bytes = 0;
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            ScanResponse page = dynamo.scan(b -> {
                b.tableName(table).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).consistentRead(consistent);
                if (index != null) {
                    b.indexName(index);
                }
                if (from != null) {
                    b.exclusiveStartKey(from);
                }
            });
            if (page.consumedCapacity() != null && page.consumedCapacity().capacityUnits() != null) {
                units += page.consumedCapacity().capacityUnits();
            }
            items += page.count();
            for (Map<String, AttributeValue> item : page.items()) {
                bytes += vigil.consumer.state.dynamodb.ItemSize.of(item);
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
        } while (startKey != null);
        return new OldRead(units, items, bytes);
    }

    // ---- measuring --------------------------------------------------------------------------------------------

    /** Takeover per shard: from the lease taken to the first durable write after the journal restore. */
    private static Map<String, Double> awaitTakeover(ConsumerMeters meters, List<String> shards, long startMillis,
            int size, Map<String, Double> restoreSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        Map<String, Double> out = new TreeMap<>();
        long lastProgress = System.nanoTime();
        while (out.size() < shards.size() && System.nanoTime() < deadline) {
            for (String id : shards) {
                ShardMeters m = meters.shard(id);
                long since = m.leaseSinceMillis();
                long durable = m.lastDurableMillis();
                if (since > 0 && durable >= since && !out.containsKey(id)) {
                    out.put(id, (durable - since) / 1000.0);
                    restoreSeconds.put(id, m.restoreMillis() / 1000.0);
                    progress("  %s: taken over in %.1f s, of which the journal read %.1f s (lease after %.1f s from"
                            + " the consumer's start)", id, (durable - since) / 1000.0, m.restoreMillis() / 1000.0,
                            (since - startMillis) / 1000.0);
                }
            }
            if (System.nanoTime() - lastProgress > 10_000_000_000L) {
                lastProgress = System.nanoTime();
                progress("  waiting for leases and restores: %d of %d shards", out.size(), shards.size());
            }
            Thread.sleep(100);
        }
        if (out.size() < shards.size()) {
            throw new IllegalStateException("only " + out.size() + " of " + shards.size() + " shards taken over in"
                    + " 10 minutes at " + size + " devices");
        }
        return out;
    }

    /**
     * Waits until the consumer's start-up reads are over (the settings read, the stored acknowledgements of the
     * restored open alerts, 100 per processor call): no table read for 6 s, at most 10 minutes.
     */
    private static void awaitStartupReads(CountingHttpProxy consumer, int size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        double last = -1;
        int quietChecks = 0;
        while (quietChecks < 3 && System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            double reads = consumer.counts().entrySet().stream().filter(e -> isTableRead(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
            quietChecks = reads == last ? quietChecks + 1 : 0;
            last = reads;
        }
        progress("[%,d devices] start-up reads over: %,.0f table reads by the consumer since its start", size, last);
    }

    private static Rates[] measure(CountingHttpProxy consumer, CountingHttpProxy api, int seconds)
            throws InterruptedException {
        Map<String, Long> c0 = consumer.counts();
        Map<String, Long> cb0 = consumer.responseBytes();
        Map<String, Long> a0 = api.counts();
        Map<String, Long> ab0 = api.responseBytes();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double s = (System.nanoTime() - t0) / 1e9;
        return new Rates[] {
            new Rates(perSecond(c0, consumer.counts(), s), perSecond(cb0, consumer.responseBytes(), s), s),
            new Rates(perSecond(a0, api.counts(), s), perSecond(ab0, api.responseBytes(), s), s)
        };
    }

    private static Rates[] measureWithTraffic(LocalAws aws, CountingHttpProxy consumer, CountingHttpProxy api,
            Options o, int devices) throws Exception {
        KinesisClient kinesis = aws.kinesisClient();
        TelemetryEncoder encoder = new TelemetryEncoder();
        long[] seqs = new long[devices];
        java.util.Arrays.fill(seqs, 1);
        Thread sender = new Thread(() -> {
            long t0 = System.nanoTime();
            long sent = 0;
            int next = 0;
            long end = t0 + (o.trafficSeconds() + 2) * 1_000_000_000L;
            while (System.nanoTime() < end) {
                long due = (long) ((System.nanoTime() - t0) / 1e9 * o.trafficRate()) - sent;
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (long k = 0; k < due && entries.size() < 500; k++) {
                    int i = next;
                    next = (next + 1) % devices;
                    byte[] bytes = encoder.encode(record(i, ++seqs[i], System.currentTimeMillis()));
                    entries.add(PutRecordsRequestEntry.builder().partitionKey(deviceId(i))
                            .data(SdkBytes.fromByteArray(bytes)).build());
                }
                if (!entries.isEmpty()) {
                    kinesis.putRecords(b -> b.streamName(aws.streamName()).records(entries));
                    sent += entries.size();
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fleet-bench-sender");
        sender.setDaemon(true);
        sender.start();
        Thread.sleep(2_000); // offline alerts of the sending devices clear first; then measure
        Rates[] rates = measure(consumer, api, o.trafficSeconds());
        sender.join();
        return rates;
    }

    private static Map<String, Double> perSecond(Map<String, Long> before, Map<String, Long> after, double seconds) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                out.put(k, d / seconds);
            }
        });
        return out;
    }

    /** An event-stream client for the whole fleet (a device admin sees every care unit): counts events. */
    private static final class EventClient implements AutoCloseable {
        final AtomicLong received = new AtomicLong();
        private final InputStream body;

        EventClient(int port) throws IOException, InterruptedException {
            String token = TokenMinter.forSecret(SECRET).mint(TokenSpec.deviceAdmin("fleet-bench"));
            HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/api/v1/events"))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "text/event-stream")
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("event stream answered " + r.statusCode());
            }
            body = r.body();
            Thread reader = new Thread(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(body,
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("event:")) {
                            received.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "fleet-bench-events");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    // ---- report -----------------------------------------------------------------------------------------------

    private static boolean isLease(String key) {
        return key.endsWith(" " + ConsumerConfig.DEFAULT_APPLICATION)
                || key.contains(ConsumerConfig.DEFAULT_APPLICATION + "-");
    }

    private static boolean isTableRead(String key) {
        return (key.startsWith("Scan ") || key.startsWith("Query ") || key.startsWith("GetItem ")
                || key.startsWith("BatchGetItem ")) && !isLease(key);
    }

    private static boolean isStreamRead(String key) {
        return key.startsWith("GetRecords ") || key.startsWith("DescribeStream ")
                || key.startsWith("GetShardIterator ");
    }

    static String report(Options o, List<Result> results, String machine, double loadBefore, double loadAfter,
            Duration wall) {
        StringBuilder md = new StringBuilder();
        md.append("<!-- fleet:begin (written by ./vigil bench --fleet; edit the command, not this section) -->\n");
        md.append("## Fleet: background reads and takeover by fleet size\n\n");
        md.append(String.format(Locale.ROOT, "Command: `./vigil bench --fleet --sizes %s --quiet %d --traffic %d"
                        + " --traffic-rate %d --shards %d` (%d min %d s). Machine: %s; load %.1f before, %.1f after.%n%n",
                String.join(",", o.sizes().stream().map(String::valueOf).toList()), o.quietSeconds(),
                o.trafficSeconds(), o.trafficRate(), o.shards(), wall.toMinutes(), wall.toSecondsPart(), machine,
                loadBefore, loadAfter));
        md.append("State: tables seeded with what the consumer writes for the fleet (state, open DEVICE_OFFLINE, a"
                + " one-record journal per device, settings for every tenth device); the consumer and the API in one"
                + " process, each behind a counting proxy to DynamoDB Local; one event-stream client (device admin,"
                + " every care unit) connected throughout. \"Quiet\": nothing changes. \"Traffic\": one record per"
                + " device per 20 s over the devices shown. Requests per second as counted at the proxies; table"
                + " reads exclude the KCL lease tables (listed apart: they grow with shards and workers, not"
                + " devices).\n\n");
        md.append("| devices | takeover per shard, max (s) | consumer table reads/s (quiet) | consumer stream calls/s"
                + " | consumer lease-table requests/s | API table reads/s (quiet) | API stream calls/s (quiet) |"
                + " bytes read/s, consumer + API (quiet) |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            double takeoverMax = r.takeoverSeconds().values().stream().mapToDouble(Double::doubleValue).max()
                    .orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "| %,d | %.1f | %.2f | %.1f | %.1f | %.2f | %.1f | %,.0f |%n",
                    r.devices(), takeoverMax, r.consumerQuiet().requestsWhere(FleetBench::isTableRead),
                    r.consumerQuiet().requestsWhere(FleetBench::isStreamRead),
                    r.consumerQuiet().requestsWhere(FleetBench::isLease),
                    r.apiQuiet().requestsWhere(FleetBench::isTableRead),
                    r.apiQuiet().requestsWhere(FleetBench::isStreamRead),
                    r.consumerQuiet().bytesWhere(k -> !isLease(k)) + r.apiQuiet().bytesWhere(k -> true)));
        }
        md.append("\nWith traffic (same runs):\n\n");
        md.append("| devices | sending devices | consumer table reads/s | API table reads/s | API stream calls/s |"
                + " events received by the client (whole run) |\n");
        md.append("|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            if (r.consumerTraffic() == null) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %,d | %,d | %.2f | %.2f | %.1f | %,d |%n", r.devices(),
                    r.trafficDevices(), r.consumerTraffic().requestsWhere(FleetBench::isTableRead),
                    r.apiTraffic().requestsWhere(FleetBench::isTableRead),
                    r.apiTraffic().requestsWhere(FleetBench::isStreamRead), r.eventsReceived()));
        }
        md.append("\nBaseline in the same runs: the old design's background reads (before issue 14), from one read of"
                + " each, consumed capacity as DynamoDB Local reports it:\n\n");
        md.append("| devices | device-state Scan: items, RCU | open-index Scan: items, RCU | settings Scan (consistent):"
                + " items, RCU | old API feed RCU/s (2 scans of each per s) | old consumer RCU/s per worker (1 per 2 s)"
                + " |\n");
        md.append("|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %,d | %,d, %.1f | %,d, %.1f | %,d, %.1f | %.1f | %.1f |%n",
                    r.devices(), r.deviceScan().items(), r.deviceScan().readUnits(), r.openIndexScan().items(),
                    r.openIndexScan().readUnits(), r.settingsScan().items(), r.settingsScan().readUnits(),
                    2 * (r.deviceScan().readUnits() + r.openIndexScan().readUnits()),
                    r.settingsScan().readUnits() / 2));
        }
        md.append("\nTakeover per shard (lease taken → journal restored → first durable write), seconds:\n\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "- %,d devices (seeded in %.0f s): takeover %s; of which the journal"
                            + " read (hash range, Query per bucket, chains applied) %s%n", r.devices(), r.seedSeconds(),
                    r.takeoverSeconds(), r.restoreSeconds()));
        }
        md.append("\nRequests per second by operation and table, quiet phase:\n\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "- %,d devices: consumer %s; API %s%n", r.devices(),
                    rounded(r.consumerQuiet().requests()), rounded(r.apiQuiet().requests())));
        }
        md.append("<!-- fleet:end -->\n");
        return md.toString();
    }

    private static String rounded(Map<String, Double> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, String.format(Locale.ROOT, "%.2f", v)));
        return out.toString();
    }

    static void writeSection(Path file, String section) throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
        int begin = text.indexOf("<!-- fleet:begin");
        int end = text.indexOf("<!-- fleet:end -->");
        if (begin >= 0 && end > begin) {
            text = text.substring(0, begin) + section + text.substring(end + "<!-- fleet:end -->\n".length());
        } else {
            text = text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        Files.writeString(file, text);
    }

    private static void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "%s %s%n", Instant.now().toString().substring(11, 19),
                String.format(Locale.ROOT, format, args));
    }
}
