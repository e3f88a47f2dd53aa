package vigil.demo.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.rules.DeviceFigures;
import vigil.consumer.state.EffectsNotDurableException;
import vigil.consumer.state.PendingEffects;
import vigil.consumer.state.dynamodb.DeviceStateItems;
import vigil.consumer.state.dynamodb.DynamoEffectsWriter;
import vigil.consumer.state.dynamodb.ItemSize;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;

/**
 * {@code ./vigil bench --store}: the consumer's state-write path against DynamoDB Local alone, without Kinesis,
 * KCL, decoding or rules: what the local store allows the end-to-end latency to be. Per rate R: R devices, each due
 * once a second (spread evenly over the second), {@code --shards} writer threads each working like a shard
 * processor (every 50 ms it hands the devices that came due since its last call to one
 * {@link DynamoEffectsWriter#writeDurably} call, one call in flight per shard, the writer's worker-wide window of
 * writes in flight). Latency is from the moment a device came due to its item being durable, so waiting for the
 * shard's previous call counts (no coordinated omission). DynamoDB Local runs in this JVM, as in {@code ./vigil
 * bench}.
 */
final class StoreBench {
    static final String USAGE = String.join("\n",
            "Usage: ./vigil bench --store [options]",
            "",
            "The consumer's device-state writes against DynamoDB Local alone (loopback only, no Kinesis or KCL):",
            "per rate R, R devices each written once a second by shard-like writer threads (one call in flight per",
            "shard, every 50 ms), latency from due to durable. Shows the local store's ceiling for ./vigil bench.",
            "Prints a table; nothing is written to docs.",
            "",
            "Options:",
            "  --rates R1,R2,...   state writes per second (= devices; default 250,500,1000,1500)",
            "  --shards N          writer threads, as shards (default 4)",
            "  --in-flight N1,...  the writer's limit of writes in flight, each measured at every rate (default 64,",
            "                      the consumer's; the client's connection pool is sized to fit)",
            "  --warmup SECONDS    per rate, before measuring (default 10)",
            "  --measure SECONDS   per rate, measured (default 60)",
            "  --help              this text");

    private static final long TICK_MILLIS = 50;

    record Options(List<Integer> rates, List<Integer> inFlight, int shards, int warmupSeconds, int measureSeconds) {
        static Options parse(List<String> args) {
            List<Integer> rates = List.of(250, 500, 1_000, 1_500);
            List<Integer> inFlight = List.of(DynamoEffectsWriter.MAX_IN_FLIGHT);
            int shards = 4;
            int warmup = 10;
            int measure = 60;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String v = i + 1 < args.size() ? args.get(i + 1) : null;
                if (v == null) {
                    throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unknown option " + a);
                }
                switch (a) {
                    case "--rates" -> rates = FleetBench.Options.ints(a, v, 1, 20_000);
                    case "--in-flight" -> inFlight = FleetBench.Options.ints(a, v, 1, 1_000);
                    case "--shards" -> shards = FleetBench.Options.ints(a, v, 1, 64).get(0);
                    case "--warmup" -> warmup = FleetBench.Options.ints(a, v, 0, 600).get(0);
                    case "--measure" -> measure = FleetBench.Options.ints(a, v, 5, 3_600).get(0);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
                i++;
            }
            return new Options(rates, inFlight, shards, warmup, measure);
        }
    }

    /** One rate's figures. */
    record Result(int rate, int inFlight, double writtenPerSecond, Histogram latency, double itemsPerCall, double callMillis,
            int itemBytes) {}

    private StoreBench() {}

    static void run(List<String> args) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("vigil bench --store: " + e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
            return;
        }
        String machine = Machine.describe();
        double loadBefore = Machine.loadAverage();
        List<Result> results = new ArrayList<>();
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis())) {
            for (int inFlight : o.inFlight()) {
                try (DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder()
                        .endpointOverride(aws.dynamoDbEndpoint())
                        .region(LocalAws.REGION)
                        .credentialsProvider(LocalAws.credentials())
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                                .maxConcurrency(inFlight + 36)
                                .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
                        .build()) {
                    DynamoEffectsWriter writer = new DynamoEffectsWriter(dynamo, aws.tablePrefix(),
                            Duration.ofDays(1), new ConsumerMeters(new SimpleMeterRegistry()), inFlight);
                    for (int rate : o.rates()) {
                        System.out.printf(Locale.ROOT,
                                "rate %,d writes/s, %d in flight: %d s warm-up, %d s measured...%n",
                                rate, inFlight, o.warmupSeconds(), o.measureSeconds());
                        Result r = runRate(writer, rate, inFlight, o);
                        results.add(r);
                        System.out.println("  " + row(r));
                    }
                }
            }
        }
        double loadAfter = Machine.loadAverage();
        System.out.println();
        System.out.printf(Locale.ROOT,
                "Machine: %s. Load average %.1f before, %.1f after. %d writer threads (shards), one call in flight "
                        + "each, every %d ms; %d s warm-up and %d s measured per rate; DynamoDB Local in this JVM.%n%n",
                machine, loadBefore, loadAfter, o.shards(), TICK_MILLIS, o.warmupSeconds(), o.measureSeconds());
        System.out.println("| offered writes/s (devices, 1 write/s each) | writes in flight (limit) | durable writes/s "
                + "| due→durable p50 ms | p99 ms "
                + "| p99.9 ms | max ms | items / call | call ms (mean) | bytes / item |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Result r : results) {
            System.out.println(row(r));
        }
        System.exit(0); // emulator and SDK threads
    }

    private static String row(Result r) {
        Histogram h = r.latency();
        return String.format(Locale.ROOT, "| %,d | %d | %,.0f | %,d | %,d | %,d | %,d | %.1f | %.0f | %d |", r.rate(),
                r.inFlight(), r.writtenPerSecond(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), r.itemsPerCall(), r.callMillis(), r.itemBytes());
    }

    private static Result runRate(DynamoEffectsWriter writer, int rate, int inFlight, Options o) throws Exception {
        Recorder latency = new Recorder(3);
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        AtomicLong callNanos = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long startMillis = System.currentTimeMillis() + 200;
        String prefix = "PUMP-B" + rate + "-" + inFlight + "-"; // fresh items per run: every write succeeds
        int itemBytes = ItemSize.of(DeviceStateItems.toItem(snapshot(prefix + "00000", 1, startMillis)));
        List<Thread> threads = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(o.shards());
        for (int shard = 0; shard < o.shards(); shard++) {
            int first = shard;
            Thread t = new Thread(() -> {
                try {
                    shardLoop(writer, prefix, rate, first, o.shards(), startMillis, stop, measuring, latency,
                            written, calls, callNanos);
                } catch (EffectsNotDurableException e) {
                    failures.incrementAndGet();
                } finally {
                    done.countDown();
                }
            }, "store-bench-shard-" + shard);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        Thread.sleep(o.warmupSeconds() * 1_000L);
        latency.getIntervalHistogram(); // drop the warm-up
        written.set(0);
        calls.set(0);
        callNanos.set(0);
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(o.measureSeconds() * 1_000L);
        measuring.set(false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Histogram h = latency.getIntervalHistogram();
        long w = written.get();
        long c = calls.get();
        double callMillis = c == 0 ? 0 : callNanos.get() / 1e6 / c;
        stop.set(true);
        if (!done.await(120, TimeUnit.SECONDS) || failures.get() > 0) {
            throw new IllegalStateException("the writer threads did not end cleanly at rate " + rate);
        }
        return new Result(rate, inFlight, w / seconds, h, c == 0 ? 0 : (double) w / c, callMillis, itemBytes);
    }

    /** Devices {@code first, first + shards, ...} of {@code rate}; device d is due at start + d/rate s + k s. */
    private static void shardLoop(DynamoEffectsWriter writer, String prefix, int rate, int first, int shards,
            long startMillis, AtomicBoolean stop, AtomicBoolean measuring, Recorder latency, AtomicLong written,
            AtomicLong calls, AtomicLong callNanos) throws EffectsNotDurableException {
        long nextDueIndex = first; // global index i: device i % rate, due at start + i * 1000 / rate ms
        long seq = 1;
        while (!stop.get()) {
            long now = System.currentTimeMillis();
            List<DeviceSnapshot> batch = new ArrayList<>();
            List<Long> dueAt = new ArrayList<>();
            while (true) {
                long due = startMillis + nextDueIndex * 1_000L / rate;
                if (due > now) {
                    break;
                }
                int device = (int) (nextDueIndex % rate);
                batch.add(snapshot(prefix + String.format(Locale.ROOT, "%05d", device), seq++, due));
                dueAt.add(due);
                nextDueIndex += shards;
            }
            if (!batch.isEmpty()) {
                long t0 = System.nanoTime();
                writer.writeDurably(new PendingEffects(batch, List.of()));
                long durable = System.currentTimeMillis();
                if (measuring.get()) {
                    calls.incrementAndGet();
                    callNanos.addAndGet(System.nanoTime() - t0);
                    written.addAndGet(batch.size());
                    for (long due : dueAt) {
                        latency.recordValue(Math.max(0, durable - due));
                    }
                }
            }
            long sleep = TICK_MILLIS - (System.currentTimeMillis() - now);
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A running pump's state as the consumer writes it (the rule figures left out: the item is a little smaller). */
    private static DeviceSnapshot snapshot(String deviceId, long seq, long tsMillis) {
        PumpRecord r = new PumpRecord(Envelope.of(deviceId, DeviceType.INFUSION_PUMP, seq, tsMillis),
                new PumpMetrics(PumpState.RUNNING, 125, 10, 500, 85, 97, true, "inf-1", null, null));
        return new DeviceSnapshot(deviceId, DeviceType.INFUSION_PUMP, r, seq, tsMillis, seq, 0, 0, 0, tsMillis,
                DeviceFigures.NONE);
    }
}
