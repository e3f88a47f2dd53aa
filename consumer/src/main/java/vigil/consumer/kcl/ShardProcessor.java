package vigil.consumer.kcl;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import vigil.consumer.ingest.ShardIngest;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.metrics.ShardMeters;
import vigil.consumer.state.EffectsNotDurableException;
import vigil.consumer.state.EffectsWriter;
import vigil.consumer.state.PendingEffects;

/**
 * The record processor of one shard: hands each record to {@link ShardIngest}, makes the batch's effects durable,
 * then checkpoints.
 *
 * <p><b>Threading contract.</b> KCL creates one instance per shard lease and calls it serially, possibly from
 * different pool threads (happens-before between calls). The instance is therefore one logical writer; it asserts
 * non-reentrancy rather than a fixed thread (STYLE.md §5).
 *
 * <p><b>Failure rules.</b> Nothing escapes a callback: KCL skips a whole batch when {@code processRecords} throws.
 * A checkpoint is taken only after the effects of every record up to it are durable. If effects can no longer be
 * made durable (interrupted while retrying), the processor stops checkpointing for good ({@link State#STOPPED}):
 * the records stay after the last checkpoint and are delivered again to whoever owns the shard next.
 */
public final class ShardProcessor implements ShardRecordProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ShardProcessor.class);

    /** Lifecycle of this processor. */
    enum State {
        NEW,
        RUNNING,
        /** Effects could not be made durable: no more checkpoints from this instance. */
        STOPPED,
        /** Lease lost, shard ended or shutdown: no further calls expected. */
        DONE
    }

    private final Clock clock;
    private final ConsumerMeters meters;
    private final EffectsWriter writer;
    /** Comparison mode for benchmarks: make effects durable after every record instead of once per batch. */
    private final boolean flushEveryRecord;
    private ShardMeters shardMeters;
    private boolean leaseCounted; // this processor counted itself in the shard's lease gauge
    private ShardIngest ingest;
    private String shardId = "?";
    private State state = State.NEW;
    private boolean inCall; // non-reentrancy guard; KCL serialises calls

    ShardProcessor(Clock clock, ConsumerMeters meters, EffectsWriter writer) {
        this(clock, meters, writer, false);
    }

    ShardProcessor(Clock clock, ConsumerMeters meters, EffectsWriter writer, boolean flushEveryRecord) {
        this.clock = clock;
        this.meters = meters;
        this.writer = writer;
        this.flushEveryRecord = flushEveryRecord;
    }

    @Override
    public void initialize(InitializationInput input) {
        enter();
        try {
            shardId = input.shardId();
            ingest = new ShardIngest(shardId, clock, meters);
            shardMeters = meters.shard(shardId);
            shardMeters.leaseAcquired(clock.millis());
            leaseCounted = true;
            state = State.RUNNING;
            LOG.info("shard {}: processing from {}", shardId, input.extendedSequenceNumber());
        } catch (Throwable t) { // never let a callback throw into KCL
            LOG.error("shard {}: initialize failed", shardId, t);
        } finally {
            exit();
        }
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        enter();
        try {
            shardMeters.millisBehindLatest(input.millisBehindLatest());
            for (KinesisClientRecord r : input.records()) {
                long arrivalMillis = r.approximateArrivalTimestamp() == null
                        ? clock.millis()
                        : r.approximateArrivalTimestamp().toEpochMilli();
                shardMeters.received(arrivalMillis);
                ingest.accept(r.data(), r.sequenceNumber(), r.subSequenceNumber(), arrivalMillis);
                if (flushEveryRecord) {
                    flush();
                }
            }
            ingest.onTick(clock.millis()); // processing-time rules, also on empty batches (quiet shards)
            boolean durable = flush();
            if (durable && !input.records().isEmpty()) {
                checkpoint(input.checkpointer());
            }
        } catch (Throwable t) { // a bug outside per-record handling: keep the records, do not checkpoint
            LOG.error("shard {}: batch processing failed; not checkpointing it", shardId, t);
            state = State.STOPPED;
            if (shardMeters != null) {
                shardMeters.abandoned();
            }
        } finally {
            exit();
        }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
        enter();
        try {
            // Another worker owns the shard now: drop in-flight work; it re-reads from the last checkpoint.
            if (ingest != null) {
                ingest.reset();
            }
            state = State.DONE;
            released();
            LOG.info("shard {}: lease lost", shardId);
        } finally {
            exit();
        }
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        enter();
        try {
            // KCL requires a checkpoint at shard end, or the child shards are never processed.
            if (flush()) {
                checkpoint(input.checkpointer());
            }
            state = State.DONE;
            released();
            LOG.info("shard {}: ended", shardId);
        } catch (Throwable t) {
            LOG.error("shard {}: shardEnded failed", shardId, t);
        } finally {
            exit();
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        enter();
        try {
            // Graceful handoff (KCL 3): make everything durable and checkpoint so the next owner starts exactly here.
            boolean durable = flush();
            if (durable) {
                checkpoint(input.checkpointer());
            }
            state = State.DONE;
            released();
            LOG.info("shard {}: shutdown requested; {}", shardId,
                    durable ? "checkpointed after the last durable record" : "not checkpointed");
        } catch (Throwable t) {
            LOG.error("shard {}: shutdownRequested failed", shardId, t);
        } finally {
            exit();
        }
    }

    /** Makes pending effects durable; false when this processor must not checkpoint. */
    private boolean flush() {
        if (ingest == null) {
            return false;
        }
        if (state != State.RUNNING) {
            ingest.drainEffects(); // never checkpointed: the next owner of the shard replays these records
            shardMeters.abandoned();
            return false;
        }
        PendingEffects effects = ingest.drainEffects();
        if (effects.isEmpty()) {
            shardMeters.durable(effects.deviceStates(), clock.millis());
            return true;
        }
        try {
            writer.writeDurably(effects);
            shardMeters.durable(effects.deviceStates(), clock.millis());
            return true;
        } catch (EffectsNotDurableException e) {
            shardMeters.abandoned();
            state = State.STOPPED;
            LOG.error("shard {}: effects not durable ({}); this processor stops checkpointing", shardId,
                    e.getMessage());
            return false;
        }
    }

    private void checkpoint(RecordProcessorCheckpointer checkpointer) {
        for (int attempt = 1; ; attempt++) {
            try {
                checkpointer.checkpoint();
                meters.checkpoint("ok");
                shardMeters.checkpointed(clock.millis());
                return;
            } catch (ThrottlingException e) {
                meters.checkpoint("throttled");
                if (attempt >= 5) {
                    LOG.warn("shard {}: checkpoint throttled {} times; the next batch will checkpoint", shardId,
                            attempt);
                    return;
                }
                sleepQuietly(100L << attempt);
            } catch (ShutdownException e) {
                meters.checkpoint("shutdown"); // lease gone: the next owner replays from the last checkpoint
                return;
            } catch (InvalidStateException e) {
                meters.checkpoint("failed");
                LOG.error("shard {}: checkpoint failed: {}", shardId, e.getMessage());
                return;
            }
        }
    }

    private void released() {
        if (leaseCounted) { // shutdownRequested and then leaseLost both end the lease: count it once
            leaseCounted = false;
            shardMeters.leaseReleased();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enter() {
        assert !inCall : "KCL called the shard processor re-entrantly";
        inCall = true;
    }

    private void exit() {
        inCall = false;
    }

    State state() {
        return state;
    }
}
