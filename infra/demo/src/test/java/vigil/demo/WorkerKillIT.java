package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.ConsumerConfig.LeaseTuning;
import vigil.consumer.ConsumerMain;
import vigil.consumer.VigilConsumer;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;

/**
 * Disturbance (a): two consumer processes share 4 shards; one is a separate JVM ({@link ConsumerMain}) killed with
 * SIGKILL mid-stream, so it neither flushes nor checkpoints nor releases its leases. The other (in this JVM) takes
 * its shards once their leases expire, restores the snapshots and replays from the last checkpoints. The final
 * device states and alerts must equal the undisturbed reference.
 *
 * <p>It also measures (logs, never asserts: a shared machine's timing is not a test oracle) the takeover time: from
 * the kill until every shard the dead worker held is owned by the survivor and has a checkpoint past the one it had
 * at the kill, i.e. the survivor has processed and made durable records there (an upper bound on "processing again"
 * by up to one flush interval, 1 s).
 */
class WorkerKillIT {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerKillIT.class);
    // The consumer's default lease settings (both workers run with them; nothing here overrides them).
    private static final Duration FAILOVER = ConsumerConfig.DEFAULT_FAILOVER;
    private static final LeaseTuning TUNING = LeaseTuning.SHORT;
    static final String VICTIM = "victim-worker";
    static final String SURVIVOR = "survivor-worker";

    @Test
    void shouldTakeOverTheShardsOfAKilledWorkerWithoutLossOrDuplicateAlerts() throws Exception {
        DisturbanceRun run = DisturbanceRun.generate("disturbance.yaml");
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults())) {
            AtomicLong sent = new AtomicLong();
            Path victimLog = Files.createTempFile("vigil-victim-", ".log");
            Process victim = startVictim(aws, victimLog);
            try {
                ConsumerConfig config = ConsumerConfig.local(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(),
                                aws.streamName(), aws.tablePrefix())
                        .withWorkerId(SURVIVOR);
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                try (VigilConsumer survivor = VigilConsumer.start(config, LocalAws.credentials(), registry,
                        Clock.systemUTC())) {
                    assertThat(survivor.meters()).isNotNull();
                    // Records keep flowing (about 40 records/s, for about 120 s) through the kill and the takeover.
                    CompletableFuture<Void> rest = run.publishInBackground(aws.kinesisClient(), aws.streamName(), 10,
                            250, sent);
                    awaitBothCheckpointing(aws, victim, victimLog, Duration.ofSeconds(150));
                    Map<String, Lease> atKill = leases(aws);
                    victim.destroyForcibly();
                    long killedNanos = System.nanoTime();
                    long killedMillis = System.currentTimeMillis();
                    victim.waitFor();
                    LOG.info("victim killed (SIGKILL) holding {} (hand-offs pending: {}) after {} records sent",
                            victimShards(atKill), handoffsPending(atKill), sent.get());
                    long takeoverMillis = awaitTakeover(aws, survivor.meters(), atKill, killedNanos, killedMillis,
                            Duration.ofSeconds(120));
                    LOG.info("TAKEOVER: every shard processing again {} ms after the kill (failover {} ms, {})",
                            takeoverMillis, FAILOVER.toMillis(), TUNING);
                    rest.join();
                    assertThat(run.awaitStates(aws, Duration.ofSeconds(180)))
                            .as("every device reached its last seq").isTrue();
                }
                run.assertMatchesReference(aws);
            } finally {
                victim.destroyForcibly();
                Files.deleteIfExists(victimLog);
            }
        }
    }

    private static Process startVictim(LocalAws aws, Path log) throws Exception {
        return startVictim(aws, log, Map.of());
    }

    /** The victim worker: {@link ConsumerMain} in its own JVM, default lease settings, plus {@code extraEnv}. */
    static Process startVictim(LocalAws aws, Path log, Map<String, String> extraEnv) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ConsumerMain.class.getName());
        Map<String, String> env = pb.environment();
        env.put("VIGIL_KINESIS_ENDPOINT", aws.kinesisEndpoint().toString());
        env.put("VIGIL_DYNAMODB_ENDPOINT", aws.dynamoDbEndpoint().toString());
        env.put("VIGIL_STREAM", aws.streamName());
        env.put("VIGIL_TABLE_PREFIX", aws.tablePrefix());
        env.put("VIGIL_WORKER_ID", VICTIM);
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_CBOR_DISABLE", "true");
        env.putAll(extraEnv);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** The last lines of a log file (the victim's, when it died before it was killed). */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (java.io.IOException e) {
            return "(log unreadable: " + e.getClass().getSimpleName() + ")";
        }
    }

    /** A lease row of KCL's lease table: owner and checkpoint. */
    /**
     * A shard's lease row. {@code checkpointOwner} is set while KCL 3 hands the lease over gracefully: {@code owner}
     * already names the next worker, and {@code checkpointOwner} the one still processing until it checkpoints.
     */
    record Lease(String owner, String checkpointOwner, String checkpoint) {}

    static Map<String, Lease> leases(LocalAws aws) {
        Map<String, Lease> out = new HashMap<>();
        for (Map<String, AttributeValue> item : aws.dynamoDbClient().scanPaginator(ScanRequest.builder()
                .tableName(LocalAwsConfig.DEFAULT_KCL_APPLICATION).consistentRead(true).build()).items()) {
            if (item.get("leaseKey").s().startsWith("shardId-")) {
                AttributeValue owner = item.get("leaseOwner");
                AttributeValue checkpointOwner = item.get("checkpointOwner");
                AttributeValue checkpoint = item.get("checkpoint");
                AttributeValue sub = item.get("checkpointSubSequenceNumber");
                out.put(item.get("leaseKey").s(), new Lease(owner == null ? null : owner.s(),
                        checkpointOwner == null ? null : checkpointOwner.s(),
                        (checkpoint == null ? "" : checkpoint.s()) + "/" + (sub == null ? "" : sub.n())));
            }
        }
        return out;
    }

    /** The shards the victim owns and processes (not those being handed over to it: see {@link Lease}). */
    static List<String> victimShards(Map<String, Lease> leases) {
        List<String> out = new ArrayList<>();
        leases.forEach((shard, l) -> {
            if (VICTIM.equals(l.owner()) && l.checkpointOwner() == null) {
                out.add(shard);
            }
        });
        return out;
    }

    /** The shards whose lease is being handed over (graceful hand-off in progress). */
    static List<String> handoffsPending(Map<String, Lease> leases) {
        List<String> out = new ArrayList<>();
        leases.forEach((shard, l) -> {
            if (l.checkpointOwner() != null) {
                out.add(shard);
            }
        });
        return out;
    }

    /**
     * Until each worker has moved the checkpoint of a lease it holds (both are processing, so the takeover measured
     * next is failover, not the survivor's own start-up).
     */
    static void awaitBothCheckpointing(LocalAws aws, Process victim, Path victimLog, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Lease> firstSeen = new HashMap<>(); // shard -> the lease when first seen with its current owner
        boolean victimBusy = false;
        boolean survivorBusy = false;
        while (System.nanoTime() < deadline && !(victimBusy && survivorBusy)) {
            if (!victim.isAlive()) {
                assertThat(victim.isAlive()).as("the victim worker is running; its log ends:%n%s", tail(victimLog))
                        .isTrue();
            }
            for (Map.Entry<String, Lease> e : leases(aws).entrySet()) {
                Lease now = e.getValue();
                Lease seen = firstSeen.get(e.getKey());
                if (seen == null || !java.util.Objects.equals(seen.owner(), now.owner())) {
                    firstSeen.put(e.getKey(), now);
                } else if (!seen.checkpoint().equals(now.checkpoint())) {
                    victimBusy |= VICTIM.equals(now.owner());
                    survivorBusy |= SURVIVOR.equals(now.owner());
                }
            }
            Thread.sleep(250);
        }
        if (!(victimBusy && survivorBusy)) {
            throw new AssertionError("the two workers were not both processing within " + timeout);
        }
    }

    /**
     * Millis from the kill until every shard is owned by the survivor and the survivor has made durable, after the
     * kill, what it received of each shard the victim held (it restored the shard's devices from the recovery
     * journal and processed a batch through a full flush). The checkpoint is not the signal: it trails by the
     * journal interval (docs/consumer.md).
     */
    static long awaitTakeover(LocalAws aws, ConsumerMeters survivor, Map<String, Lease> atKill,
            long killedNanos, long killedMillis, Duration timeout) throws InterruptedException {
        long deadline = killedNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Lease> now = leases(aws);
            boolean all = !now.isEmpty();
            for (Map.Entry<String, Lease> e : now.entrySet()) {
                Lease before = atKill.get(e.getKey());
                boolean processing = before == null || !VICTIM.equals(before.owner())
                        || survivor.shard(e.getKey()).lastDurableMillis() > killedMillis;
                all &= SURVIVOR.equals(e.getValue().owner()) && processing;
            }
            if (all) {
                return (System.nanoTime() - killedNanos) / 1_000_000;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the survivor did not take over every shard within " + timeout);
    }
}
