package vigil.consumer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private final io.micrometer.core.instrument.Timer writeLatency;
    private final io.micrometer.core.instrument.Timer checkpointLag;
    private final Map<String, Counter> checkpoints = new ConcurrentHashMap<>();

    public ConsumerMeters(MeterRegistry registry) {
        this.registry = registry;
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
        writeLatency = io.micrometer.core.instrument.Timer.builder("vigil.dynamodb.write.latency")
                .description("Time to make one flush durable, retries included").register(registry);
        checkpointLag = io.micrometer.core.instrument.Timer.builder("vigil.checkpoint.lag")
                .description("Kinesis arrival of the checkpointed record to its checkpoint").register(registry);
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

    /** Time to make one flush's effects durable, retries included. */
    public void writeLatency(long nanos) {
        writeLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** An acknowledgement made in the API found by a refused alert write and applied (AlertAttributes contract). */
    public void acknowledgementApplied() {
        registry.counter("vigil.alerts.acknowledgements.applied").increment();
    }

    public MeterRegistry registry() {
        return registry;
    }
}
