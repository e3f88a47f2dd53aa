package vigil.consumer.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import vigil.consumer.rules.AlertTransition;
import vigil.telemetry.RejectReason;

/**
 * Every meter of the consumer, declared in one place (STYLE.md §7). Tags are low-cardinality only: reason codes,
 * outcomes. Never a device id.
 *
 * <p><b>Threading contract.</b> Micrometer meters are thread-safe; any shard processor may record.
 */
public final class ConsumerMeters {
    private final MeterRegistry registry;
    private final Counter recordsIn;
    private final Counter recordsAccepted;
    private final Counter recordsDuplicate;
    private final Counter recordsLate;
    private final Counter processingErrors;
    private final Map<RejectReason, Counter> rejectedByReason = new EnumMap<>(RejectReason.class);
    private final Counter stateWrites;
    private final Counter quarantineWrites;
    private final Counter writeRetries;
    private final Counter writeRequests;
    private final io.micrometer.core.instrument.Timer checkpointLag;
    private final Map<String, Counter> checkpoints = new ConcurrentHashMap<>();
    private final Counter alertWrites;
    private final Timer writeDuration;
    private final Counter writeFailures;
    private final Map<String, Counter> alertTransitions = new ConcurrentHashMap<>();
    private final Map<String, Counter> writeUnits = new ConcurrentHashMap<>();
    private final Map<String, io.micrometer.core.instrument.DistributionSummary> itemBytes = new ConcurrentHashMap<>();
    private final Counter journalUnreadable;
    private final Map<String, ShardMeters> shards = new ConcurrentHashMap<>();
    private final AtomicInteger leasesHeld = new AtomicInteger();
    private final StateLatency stateLatency;

    /** Meters on the registry's clock (wall time for the latency window). */
    public ConsumerMeters(MeterRegistry registry) {
        this(registry, Clock.SYSTEM);
    }

    public ConsumerMeters(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.stateLatency = new StateLatency(clock::wallTime);
        recordsIn = counter("vigil.records.in", "Telemetry user records received (after de-aggregation)");
        recordsAccepted = counter("vigil.records.accepted", "Records accepted, late ones included");
        recordsDuplicate = counter("vigil.records.duplicate", "Records whose (deviceId, seq) was already accepted");
        recordsLate = counter("vigil.records.late", "Accepted records too old to apply to windows");
        processingErrors = counter("vigil.records.processing.errors", "Records that failed by a bug; quarantined");
        for (RejectReason reason : RejectReason.values()) {
            rejectedByReason.put(reason, Counter.builder("vigil.records.rejected")
                    .description("Rejected records by reason code")
                    .baseUnit("records")
                    .tag("reason", reason.name())
                    .register(registry));
        }
        stateWrites = counter("vigil.dynamodb.writes.state", "Device state items written");
        quarantineWrites = counter("vigil.dynamodb.writes.quarantine", "Quarantine items written");
        writeRetries = counter("vigil.dynamodb.writes.retries", "Write attempts retried after a failure");
        writeRequests = Counter.builder("vigil.dynamodb.write.requests")
                .description("DynamoDB write requests sent, retries included").baseUnit("requests")
                .register(registry);
        checkpointLag = io.micrometer.core.instrument.Timer.builder("vigil.checkpoint.lag")
                .description("Kinesis arrival of the checkpointed record to its checkpoint").register(registry);
        journalUnreadable = Counter.builder("vigil.recovery.journal.unreadable")
                .description("Devices whose recovery journal could not be read at a shard start (they start anew)")
                .baseUnit("devices")
                .register(registry);
        alertWrites = counter("vigil.dynamodb.writes.alerts", "Alert items written (one per alert changed in a batch)");
        writeDuration = Timer.builder("vigil.dynamodb.write.duration")
                .description("Time to make one batch's effects durable (all its PutItems, retries included)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        writeFailures = Counter.builder("vigil.dynamodb.write.failures")
                .description("Batches whose effects could not be made durable")
                .baseUnit("batches")
                .register(registry);
        Gauge.builder("vigil.shard.leases", leasesHeld, AtomicInteger::get)
                .description("Shard leases this worker holds")
                .baseUnit("leases")
                .register(registry);
        double[] quantiles = {0.5, 0.9, 0.99, 0.999, 1.0};
        for (StateLatency.Kind kind : StateLatency.Kind.values()) {
            String name = kind == StateLatency.Kind.DEVICE
                    ? "vigil.state.latency.device"
                    : "vigil.state.latency.arrival";
            String from = kind == StateLatency.Kind.DEVICE ? "device time (ts) of a state item's newest record"
                    : "Kinesis arrival of each record";
            for (double q : quantiles) {
                Gauge.builder(name, stateLatency, l -> l.valueAtPercentile(kind, q * 100))
                        .description("Latency from " + from + " to durable state, last 1-2 min (HdrHistogram)")
                        .baseUnit("milliseconds")
                        .tag("quantile", q == 1.0 ? "1" : Double.toString(q))
                        .register(registry);
            }
        }
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).baseUnit("records").register(registry);
    }

    public void recordIn() {
        recordsIn.increment();
    }

    public void accepted() {
        recordsAccepted.increment();
    }

    public void duplicate() {
        recordsDuplicate.increment();
    }

    public void late() {
        recordsLate.increment();
    }

    public void rejected(RejectReason reason) {
        rejectedByReason.get(reason).increment();
    }

    public void processingError() {
        processingErrors.increment();
    }

    public void stateWritten(int items) {
        stateWrites.increment(items);
    }

    public void quarantineWritten(int items) {
        quarantineWrites.increment(items);
    }

    public void writeRetried() {
        writeRetries.increment();
    }

    /** Counts a checkpoint attempt by outcome ({@code ok}, {@code throttled}, {@code shutdown}, {@code failed}). */
    public void checkpoint(String outcome) {
        checkpoints
                .computeIfAbsent(outcome, o -> Counter.builder("vigil.checkpoints")
                        .description("Checkpoint attempts by outcome")
                        .tag("outcome", o)
                        .register(registry))
                .increment();
    }

    /** Milliseconds from a checkpointed record's Kinesis arrival to its checkpoint (state issue). */
    public void checkpointLag(long millis) {
        checkpointLag.record(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** DynamoDB write requests (PutItem, BatchWriteItem) sent, retries included: writes per accepted record. */
    public void writeRequests(int requests) {
        writeRequests.increment(requests);
    }

    /**
     * One item written (or about to be, each attempt) to {@code table} (a table's base name: a fixed, small set):
     * {@code vigil.dynamodb.write.units} counts the write units AWS bills for it (one per started KB of item, a
     * conditional write that fails included) and {@code vigil.dynamodb.item.bytes} its size as AWS counts it.
     */
    public void itemWritten(String table, int bytes) {
        writeUnits.computeIfAbsent(table, t -> Counter.builder("vigil.dynamodb.write.units")
                        .description("DynamoDB write units billed by item size (1 per started KB), retries included")
                        .baseUnit("units")
                        .tag("table", t)
                        .register(registry))
                .increment(Math.max(1, (bytes + 1023) / 1024));
        itemBytes.computeIfAbsent(table, t -> io.micrometer.core.instrument.DistributionSummary
                        .builder("vigil.dynamodb.item.bytes")
                        .description("Size of the DynamoDB items written, as AWS counts it (names and values)")
                        .baseUnit("bytes")
                        .tag("table", t)
                        .register(registry))
                .record(bytes);
    }

    /** A device whose recovery journal could not be read at a shard start: it starts anew (logged, counted). */
    public void journalUnreadable() {
        journalUnreadable.increment();
    }

    /** Counts one alert transition that became durable, by type, priority and change. */
    public void alertTransition(AlertTransition t) {
        String key = t.type() + "/" + t.priority() + "/" + t.change();
        alertTransitions
                .computeIfAbsent(key, k -> Counter.builder("vigil.alerts.transitions")
                        .description("Durable alert transitions by type, priority and change")
                        .baseUnit("transitions")
                        .tag("type", t.type().name())
                        .tag("priority", t.priority().name())
                        .tag("change", t.change().name())
                        .register(registry))
                .increment();
    }

    public void alertsWritten(int items) {
        alertWrites.increment(items);
    }

    public void writeDuration(long nanos) {
        writeDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void writeFailed() {
        writeFailures.increment();
    }

    /**
     * The meters of one shard, registering its gauges on first use ({@code vigil.shard.millis.behind.latest},
     * {@code vigil.shard.checkpoint.age}, tag {@code shard}). Kept for the worker's life: a shard's series stays
     * (NaN while its lease is elsewhere).
     */
    public ShardMeters shard(String shardId) {
        return shards.computeIfAbsent(shardId, id -> {
            ShardMeters m = new ShardMeters(id, stateLatency.shard(id), leasesHeld::addAndGet);
            Gauge.builder("vigil.shard.millis.behind.latest", m, ShardMeters::millisBehindLatestValue)
                    .description("How far this worker's reads of the shard are behind its tip (from GetRecords)")
                    .baseUnit("milliseconds")
                    .tag("shard", id)
                    .register(registry);
            Gauge.builder("vigil.shard.checkpoint.age", m,
                            s -> s.checkpointAgeMillis(registry.config().clock().wallTime()))
                    .description("Time since the shard's last successful checkpoint")
                    .baseUnit("milliseconds")
                    .tag("shard", id)
                    .register(registry);
            return m;
        });
    }

    /** Shard leases held now (processors initialised and not yet ended, lost or shut down). */
    public int leasesHeld() {
        return leasesHeld.get();
    }

    public StateLatency stateLatency() {
        return stateLatency;
    }

    /** An acknowledgement made in the API found by a refused alert write and applied (AlertAttributes contract). */
    public void acknowledgementApplied() {
        registry.counter("vigil.alerts.acknowledgements.applied").increment();
    }

    public MeterRegistry registry() {
        return registry;
    }
}
