package vigil.consumer.kcl;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
import vigil.consumer.rules.Acknowledgement;
import vigil.consumer.state.AcknowledgementSink;
import vigil.consumer.state.EffectsNotDurableException;
import vigil.consumer.state.EffectsWriter;
import vigil.consumer.state.PendingEffects;

/**
 * The record processor of one shard: restores the shard's devices from their recovery journal, hands each record
 * to {@link ShardIngest}, makes effects durable (coalesced), then checkpoints up to what is durable: every state
 * and quarantined record, and every change in the journal ({@link ShardIngest#durablePosition()}).
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
    private final ShardServices services;
    /** Comparison mode for benchmarks: make every effect durable after every record instead of coalescing. */
    private final boolean flushEveryRecord;
    private ShardMeters shardMeters;
    private boolean leaseCounted; // this processor counted itself in the shard's lease gauge
    private ShardIngest ingest;
    // Writes (docs/consumer.md, "Writes and checkpoints"): each device's state at most once per second (the
    // throttle in ShardIngest), written by a pool thread while this processor goes on reading (one write in flight
    // per shard, so a device's writes never overtake each other); the checkpoint moves at most once per
    // flushIntervalMillis, to a position whose every effect was in a completed write.
    private InFlight inFlight; // null: no write in flight
    private AcknowledgementSink pendingSink = AcknowledgementSink.NONE; // the ingest's sink of the write in flight
    private final ConcurrentLinkedQueue<AckHandoff> handoffs = new ConcurrentLinkedQueue<>();
    private RecordProcessorCheckpointer checkpointer; // KCL's, for this shard (the same object on every call)
    private long lastCheckpointMillis; // consumer clock, epoch millis
    private long lastAckPollMillis; // consumer clock, epoch millis
    // The restored open alerts whose stored acknowledgements are still to be read (those made before this worker
    // followed the alerts stream): one BatchGetItem of at most 100 per call, after the call's write has started, so
    // a shard with many open alerts is not held up at its start. Null: not listed yet.
    private java.util.ArrayDeque<String> storedAcksToRead;
    private static final int STORED_ACKS_PER_CALL = 100;
    private ShardIngest.Position lastCheckpoint; // null: none taken by this processor
    private String shardId = "?";
    private State state = State.NEW;
    private boolean inCall; // non-reentrancy guard; KCL serialises calls

    ShardProcessor(Clock clock, ConsumerMeters meters, EffectsWriter writer) {
        this(clock, meters, writer, ShardServices.NONE, false);
    }

    /** A write in flight: completes with the consumer clock at which every effect of it was durable. */
    private record InFlight(CompletableFuture<Long> done, PendingEffects effects, ShardIngest.Position position) {}

    /**
     * An acknowledgement the writer found in the store, handed to this processor's thread: only it may touch the
     * ingest. The writer's thread waits for {@code reply} (at most one processor call).
     */
    private record AckHandoff(Acknowledgement ack, CompletableFuture<PendingEffects> reply) {}

    /** Pool of the writes in flight, one per shard at a time; daemon threads, idle ones end after 60 s. */
    private static final ExecutorService WRITES = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "effects-writer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });

    ShardProcessor(Clock clock, ConsumerMeters meters, EffectsWriter writer, ShardServices services,
            boolean flushEveryRecord) {
        this.clock = clock;
        this.meters = meters;
        this.writer = writer;
        this.services = services;
        this.flushEveryRecord = flushEveryRecord;
    }

    @Override
    public void initialize(InitializationInput input) {
        enter();
        try {
            shardId = input.shardId();
            shardMeters = meters.shard(shardId);
            shardMeters.leaseAcquired(clock.millis());
            leaseCounted = true;
            ingest = new ShardIngest(shardId, clock, meters, services.settings(), services.journalIntervalMillis());
            long restoreStart = System.nanoTime();
            int restored = services.restore(shardId, ingest, meters);
            long restoreMillis = (System.nanoTime() - restoreStart) / 1_000_000;
            shardMeters.restored(restoreMillis);
            lastCheckpointMillis = clock.millis();
            state = State.RUNNING;
            LOG.info("shard {}: processing from {}; {} devices restored from the recovery journal in {} ms", shardId,
                    input.extendedSequenceNumber(), restored, restoreMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = State.STOPPED; // without the journal the windows would restart empty: do not process
            LOG.warn("shard {}: interrupted while reading the recovery journal; not processing", shardId);
        } catch (Throwable t) { // never let a callback throw into KCL
            state = State.STOPPED;
            LOG.error("shard {}: initialize failed", shardId, t);
        } finally {
            exit();
        }
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        enter();
        try {
            if (state != State.RUNNING) {
                return; // never process what could not be made durable or was not restored
            }
            shardMeters.millisBehindLatest(input.millisBehindLatest());
            checkpointer = input.checkpointer();
            serviceHandoffs();
            for (KinesisClientRecord r : input.records()) {
                long arrivalMillis = r.approximateArrivalTimestamp() == null
                        ? clock.millis()
                        : r.approximateArrivalTimestamp().toEpochMilli();
                ingest.accept(r.data(), r.sequenceNumber(), r.subSequenceNumber(), arrivalMillis);
                if (flushEveryRecord && !flush(true, true)) {
                    return;
                }
            }
            services.refreshSettings(ingest);
            long nowMillis = clock.millis();
            if (nowMillis - lastAckPollMillis >= ShardServices.ACK_POLL_INTERVAL_MILLIS) {
                lastAckPollMillis = nowMillis;
                // Before the rules run on this batch's time: what the alerts stream brought (no read).
                services.applyAcknowledgements(ingest);
            }
            if (storedAcksToRead == null) {
                storedAcksToRead = new java.util.ArrayDeque<>(ingest.unacknowledgedOpenAlertIds());
            }
            ingest.onTick(nowMillis); // processing-time rules, also on empty batches (quiet shards)
            if (flushEveryRecord) {
                maybeCheckpoint(ingest.durablePosition()); // every record's effects are durable by now
            } else if (completeInFlight(false) && inFlight == null) {
                startWrite();
            }
            readStoredAcknowledgements();
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
            inFlight = null; // let it finish: its writes are conditional, the next owner replays them anyway
            failHandoffs();
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
            // KCL requires a checkpoint at shard end, or the child shards are never processed. The children restore
            // the journal written here: every change goes into a chunk now.
            if (completeInFlight(true) && flush(true, true)) {
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
            // every change into the journal: the next owner starts here
            boolean durable = completeInFlight(true) && flush(true, true);
            if (durable) {
                checkpointDurable(input.checkpointer(), ingest.durablePosition());
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

    /**
     * Drains the due effects ({@link ShardIngest.StateWrites#DUE}) and starts writing them on the pool; with nothing
     * to write, moves the checkpoint (when its interval is up) at once.
     */
    private void startWrite() {
        PendingEffects effects = ingest.drainEffects(ShardIngest.StateWrites.DUE, false);
        ShardIngest.Position position = ingest.durablePosition(); // every effect before it: drained by now
        if (effects.isEmpty()) {
            shardMeters.durable(List.of(), clock.millis());
            maybeCheckpoint(position);
            return;
        }
        AcknowledgementSink direct = effects.acknowledgements();
        PendingEffects handedOff = effects.withAcknowledgements(ack -> {
            AckHandoff h = new AckHandoff(ack, new CompletableFuture<>());
            handoffs.add(h);
            return h.reply().join(); // applied on the processor's thread at its next call
        });
        CompletableFuture<Long> done = CompletableFuture.supplyAsync(() -> {
            try {
                writer.writeDurably(handedOff);
                return clock.millis();
            } catch (EffectsNotDurableException e) {
                throw new CompletionException(e);
            }
        }, WRITES);
        inFlight = new InFlight(done, effects, position);
        pendingSink = direct;
    }

    /** The next batch of the restored open alerts' stored acknowledgements; failed ids are tried next call. */
    private void readStoredAcknowledgements() {
        if (storedAcksToRead == null || storedAcksToRead.isEmpty()) {
            return;
        }
        List<String> next = new java.util.ArrayList<>(STORED_ACKS_PER_CALL);
        while (next.size() < STORED_ACKS_PER_CALL && !storedAcksToRead.isEmpty()) {
            next.add(storedAcksToRead.pollFirst());
        }
        if (services.applyStoredAcknowledgements(ingest, next) < 0) {
            next.forEach(storedAcksToRead::addLast);
        }
    }

    /** Acknowledgements the writer handed over: applied here, on the processor's thread. */
    private void serviceHandoffs() {
        for (AckHandoff h; (h = handoffs.poll()) != null; ) {
            try {
                h.reply().complete(pendingSink.apply(h.ack()));
            } catch (RuntimeException e) {
                h.reply().completeExceptionally(e);
            }
        }
    }

    private void failHandoffs() {
        for (AckHandoff h; (h = handoffs.poll()) != null; ) {
            h.reply().completeExceptionally(new CancellationException("shard " + shardId + " released"));
        }
    }

    /**
     * Takes the result of the write in flight, if it is done (or waits for it, serving acknowledgement hand-offs,
     * when {@code wait}); false when it failed: this processor then stops checkpointing.
     */
    private boolean completeInFlight(boolean wait) {
        InFlight w = inFlight;
        if (w == null) {
            return state == State.RUNNING;
        }
        while (wait && !w.done().isDone()) {
            serviceHandoffs();
            try {
                w.done().get(10, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // not yet, or failed: handled below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!w.done().isDone()) {
            return state == State.RUNNING;
        }
        inFlight = null;
        long durableMillis;
        try {
            durableMillis = w.done().join();
        } catch (CompletionException | CancellationException e) {
            shardMeters.abandoned();
            state = State.STOPPED;
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.error("shard {}: effects not durable ({}); this processor stops checkpointing", shardId,
                    cause.getMessage());
            return false;
        }
        shardMeters.durable(w.effects().deviceStates(), durableMillis);
        maybeCheckpoint(w.position());
        return state == State.RUNNING;
    }

    /** Checkpoints at {@code position} when the checkpoint interval is up (a lease-table write each time). */
    private void maybeCheckpoint(ShardIngest.Position position) {
        long nowMillis = clock.millis();
        if (checkpointer != null && nowMillis - lastCheckpointMillis >= services.flushIntervalMillis()) {
            lastCheckpointMillis = nowMillis;
            checkpointDurable(checkpointer, position);
        }
    }

    /**
     * Makes pending effects durable on this thread; false when this processor must not checkpoint.
     *
     * @param full every changed device (then every state processed so far is durable), else only quarantined
     *     records, alert transitions and the states of the devices that had one (written at once, alerts-v1 latency)
     * @param journalAll a journal chunk of every changed device (then {@link ShardIngest#durablePosition()} is the
     *     last record), else the chunks that are due
     */
    private boolean flush(boolean full, boolean journalAll) {
        if (ingest == null) {
            return false;
        }
        if (state != State.RUNNING) {
            ingest.drainEffects(true, false); // never checkpointed: the next owner replays these records
            if (shardMeters != null) {
                shardMeters.abandoned();
            }
            return false;
        }
        PendingEffects effects = ingest.drainEffects(full, journalAll);
        try {
            if (!effects.isEmpty()) {
                writer.writeDurably(effects);
            }
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

    /**
     * Checkpoints at {@code position}, a position whose effects are all durable (states, quarantine and journal:
     * {@link ShardIngest#durablePosition()} taken when they were drained), when it moved since the last checkpoint.
     */
    private void checkpointDurable(RecordProcessorCheckpointer checkpointer, ShardIngest.Position position) {
        if (position == null || position.equals(lastCheckpoint)) {
            return;
        }
        if (checkpoint(checkpointer, position.sequenceNumber(), position.subSequenceNumber())) {
            meters.checkpointLag(Math.max(0, clock.millis() - position.arrivalMillis()));
            lastCheckpoint = position;
        }
    }

    private void checkpoint(RecordProcessorCheckpointer checkpointer) {
        checkpoint(checkpointer, null, 0);
    }

    /** Checkpoints at {@code sequenceNumber} (null: at the end of the shard or what KCL delivered); true on success. */
    private boolean checkpoint(RecordProcessorCheckpointer checkpointer, String sequenceNumber, long sub) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (sequenceNumber == null) {
                    checkpointer.checkpoint();
                } else {
                    checkpointer.checkpoint(sequenceNumber, sub);
                }
                meters.checkpoint("ok");
                if (shardMeters != null) {
                    shardMeters.checkpointed(clock.millis());
                }
                return true;
            } catch (ThrottlingException e) {
                meters.checkpoint("throttled");
                if (attempt >= 5) {
                    LOG.warn("shard {}: checkpoint throttled {} times; the next batch will checkpoint", shardId,
                            attempt);
                    return false;
                }
                sleepQuietly(100L << attempt);
            } catch (ShutdownException e) {
                meters.checkpoint("shutdown"); // lease gone: the next owner replays from the last checkpoint
                return false;
            } catch (InvalidStateException e) {
                meters.checkpoint("failed");
                LOG.error("shard {}: checkpoint failed: {}", shardId, e.getMessage());
                return false;
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
