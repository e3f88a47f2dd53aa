package vigil.sim.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts records to a Kinesis stream with PutRecords, plain or packed per shard in the KPL aggregation format
 * ({@link PublisherConfig#aggregate()}), keeping per-partition-key order and losing nothing: entries that
 * fail (partial failure, throttling, 5xx, I/O) are retried with exponential backoff and jitter until they succeed
 * or a record exhausts {@link PublisherConfig#maxAttemptsPerRecord()}; then, and on a non-retryable error, the
 * publisher fails, reports the undelivered count and refuses further records.
 *
 * <p>Usage: {@code try (var p = new KinesisPublisher(client, PublisherConfig.defaults(stream))) { p.submit(deviceId,
 * bytes); ... p.flush(timeout); }}. The publisher does not close the client.
 *
 * <p><b>Threading contract.</b> Any number of threads may call {@link #submit}, {@link #flush}, {@link #stats} and
 * {@link #close} concurrently. Order is kept per partition key in the order of {@code submit} calls; callers that
 * submit for the same key from several threads must order those calls themselves.
 */
public final class KinesisPublisher implements RecordSink {
    /*
     * High level design
     *
     * One FIFO queue per partition key (device). Only a prefix of a queue may be in flight, and it travels in one
     * Kinesis record of one call, so a device's records reach the shard in order whatever fails and however many
     * calls run at once. A queue is in exactly one state (DeviceQueue.State):
     *   IDLE       empty
     *   READY      head waiting for a batch; the queue is in `ready` (round robin: back of the line after each send)
     *   IN_FLIGHT  a prefix is part of a running PutRecords call
     *   BACKOFF    that prefix failed; the queue is in `backingOff` until retryAtNanos
     * The dispatcher thread asks the planner for one call's entries (plain: one head per Kinesis record; aggregated:
     * heads and following records packed per shard, ShardAggregatingBatchPlanner) and hands them to one of
     * maxInFlightRequests caller threads, which also does the packing. On the answer, the records of successful
     * entries are popped; those of failed entries stay and wait base * 2^(attempt-1) capped at maxBackoff, then a
     * random half of it again ("equal jitter"). A failed call counts as every entry failing.
     *
     * Aggregates and resharding: an aggregate is planned for the shard its members hash to. When PutRecords puts it
     * into another shard (the stream was resharded since the shard map was listed), KCL drops the whole aggregate if
     * any member hashes outside that shard. The caller lists the shards again; if every member lies inside the
     * receiving shard the aggregate is delivered, otherwise all of it is sent again (also when the listing fails:
     * then a duplicate is possible, never a loss).
     *
     * All state below is guarded by `lock`; the calls run outside it. One condition, `changed`, is signalled on
     * every state change that anyone may wait for.
     */
    private static final Logger LOG = LoggerFactory.getLogger(KinesisPublisher.class);

    /**
     * Aggregates that went to another shard than planned, and how many of their records were sent again.
     *
     * @param aggregates    aggregated Kinesis records put into another shard than the shard map said
     * @param resentRecords user records of those that lay outside the receiving shard and were sent again
     */
    public record Misrouted(long aggregates, long resentRecords) {}

    private final KinesisClient client;
    private final PublisherConfig config;
    private final ShardMap shardMap; // null unless aggregating
    private final BatchPlanner planner;
    private final ExecutorService callers;
    private final Thread dispatcher;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // ---- guarded by lock ----
    private final Map<String, DeviceQueue> queues = new HashMap<>();
    private final ArrayDeque<DeviceQueue> ready = new ArrayDeque<>();
    private final PriorityQueue<DeviceQueue> backingOff =
            new PriorityQueue<>(Comparator.comparingLong(q -> q.retryAtNanos));
    private final RetryPolicy retryPolicy; // backoffNanos draws jitter: call under lock only
    /*
     * Submit-to-acknowledgement latency, micros. Recorded with plain recordValue, not recordValueWithExpectedInterval:
     * the clock starts when submit is called, before any back-pressure wait, and records are queued rather than sent
     * one at a time, so a slow call delays later records visibly in their own latency; there is no omitted sample to
     * back-fill. (The driver reports how far it falls behind its schedule separately.)
     */
    private final Histogram latencyMicros = new Histogram(3);
    private final Set<String> loggedErrors = new HashSet<>();
    private long queued; // submitted and not yet acknowledged, in flight included
    private int inFlightRequests;
    private long submitted;
    private long sent;
    private long kinesisRecordsSent; // acknowledged Kinesis records; an aggregate counts once
    private long retriedEntries; // records queued again after a failed or misrouted send
    private long failedCalls;
    private long shardMismatches; // aggregates PutRecords put into another shard than planned
    private long resentAfterMismatch; // records of those that were sent again
    private boolean closing; // no more submits
    private boolean stopping; // dispatcher ends
    private PublishFailedException failure; // set once; the publisher is dead

    /**
     * Starts the dispatcher; the publisher is ready for {@link #submit} on return. With aggregation on, first lists
     * the stream's shards.
     *
     * @throws software.amazon.awssdk.core.exception.SdkException with aggregation on, when the shards cannot be
     *                                                               listed (e.g. the stream does not exist)
     */
    public KinesisPublisher(KinesisClient client, PublisherConfig config) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.retryPolicy = new RetryPolicy(config);
        if (config.aggregate()) {
            this.shardMap = ShardMap.load(client, config.streamName());
            this.planner = new ShardAggregatingBatchPlanner(shardMap::current, config);
        } else {
            this.shardMap = null;
            this.planner = BatchPlanner.plain(config);
        }
        this.callers = Executors.newFixedThreadPool(config.maxInFlightRequests(), daemonThreads("kinesis-put-"));
        this.dispatcher = new Thread(this::dispatchLoop, "kinesis-dispatch");
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    @Override
    public void submit(String partitionKey, byte[] data) throws InterruptedException {
        int sizeBytes = checkSize(partitionKey, data);
        long submittedAtNanos = System.nanoTime();
        lock.lockInterruptibly();
        try {
            while (queued >= config.maxQueuedRecords() && failure == null && !closing) {
                changed.await();
            }
            if (failure != null) {
                throw new PublishFailedException(failure.getMessage(), failure);
            }
            if (closing) {
                throw new IllegalStateException("publisher is closed");
            }
            DeviceQueue queue = queues.computeIfAbsent(partitionKey, DeviceQueue::new);
            queue.records.addLast(new PendingRecord(data, sizeBytes, submittedAtNanos));
            queued++;
            submitted++;
            if (queue.state == DeviceQueue.State.IDLE) {
                queue.state = DeviceQueue.State.READY;
                ready.addLast(queue);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (queued > 0 && failure == null) {
                long leftNanos = deadlineNanos - System.nanoTime();
                if (leftNanos <= 0) {
                    return false;
                }
                changed.awaitNanos(leftNanos);
            }
            if (failure != null) {
                throw new PublishFailedException(failure.getMessage(), failure);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SinkStats stats() {
        lock.lock();
        try {
            boolean gaveUp = failure != null || stopping;
            return new SinkStats(submitted, sent, kinesisRecordsSent, retriedEntries, failedCalls, queued, gaveUp ? queued : 0,
                    latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(99),
                    latencyMicros.getMaxValue());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Aggregates that PutRecords put into another shard than planned (the stream was resharded), and the records of
     * theirs that were sent again because KCL would drop them there. Zero without aggregation.
     */
    public Misrouted misrouted() {
        lock.lock();
        try {
            return new Misrouted(shardMismatches, resentAfterMismatch);
        } finally {
            lock.unlock();
        }
    }

    /** Flushes for at most {@link PublisherConfig#closeTimeout()}, then stops the threads. Never closes the client. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            changed.signalAll(); // blocked submitters give up
        } finally {
            lock.unlock();
        }
        boolean flushed = false;
        try {
            flushed = flush(config.closeTimeout());
        } catch (PublishFailedException e) {
            // already logged when it happened; the undelivered count stays in stats()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            stopping = true;
            if (!flushed && queued > 0) {
                LOG.error("closing the publisher with {} records undelivered", queued);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        callers.shutdown();
        try {
            dispatcher.join(TimeUnit.SECONDS.toMillis(5));
            if (!callers.awaitTermination(10, TimeUnit.SECONDS)) {
                callers.shutdownNow();
            }
        } catch (InterruptedException e) {
            callers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---- dispatcher thread ----

    private void dispatchLoop() {
        lock.lock();
        try {
            while (!stopping && failure == null) {
                long nowNanos = System.nanoTime();
                while (!backingOff.isEmpty() && backingOff.peek().retryAtNanos - nowNanos <= 0) {
                    DeviceQueue due = backingOff.poll();
                    due.state = DeviceQueue.State.READY;
                    ready.addLast(due);
                }
                if (!ready.isEmpty() && inFlightRequests < config.maxInFlightRequests()) {
                    List<PutEntry> batch = planner.take(ready);
                    inFlightRequests++;
                    callers.execute(() -> send(batch));
                } else if (backingOff.isEmpty()) {
                    changed.await();
                } else {
                    changed.awaitNanos(backingOff.peek().retryAtNanos - nowNanos);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) { // a bug: fail loudly rather than leave submitters waiting forever
            fail("the publisher's dispatcher failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    // ---- caller threads ----

    private void send(List<PutEntry> batch) {
        PutRecordsResponse response;
        try {
            List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
            for (PutEntry e : batch) {
                entries.add(e.toRequestEntry());
            }
            response = client.putRecords(PutRecordsRequest.builder()
                    .streamName(config.streamName())
                    .records(entries)
                    .build());
        } catch (RuntimeException e) { // SdkException and anything unexpected: classified below, never lost
            onCallFailed(batch, e);
            return;
        }
        onResponse(batch, response, refreshedShardsIfMisrouted(batch, response));
    }

    /** A fresh shard listing when an aggregate went to another shard than planned; null if none did or it failed. */
    private ShardMap.Snapshot refreshedShardsIfMisrouted(List<PutEntry> batch, PutRecordsResponse response) {
        List<PutRecordsResultEntry> results = response.records();
        long plannedVersion = Long.MAX_VALUE;
        for (int i = 0; i < Math.min(batch.size(), results.size()); i++) {
            if (isMisrouted(batch.get(i), results.get(i))) {
                plannedVersion = Math.min(plannedVersion, batch.get(i).shardMapVersion());
            }
        }
        if (plannedVersion == Long.MAX_VALUE) {
            return null;
        }
        try {
            // lists again only if no other call did since this batch was planned
            return shardMap.refresh(plannedVersion);
        } catch (RuntimeException e) { // the members are sent again instead: duplicates, never a loss
            LOG.warn("listing the shards after a reshard failed; sending the misrouted records again: {}",
                    e.toString());
            return null;
        }
    }

    private void onResponse(List<PutEntry> batch, PutRecordsResponse response, ShardMap.Snapshot refreshed) {
        lock.lock();
        try {
            inFlightRequests--;
            List<PutRecordsResultEntry> results = response.records();
            if (results.size() != batch.size()) {
                fail("PutRecords answered " + results.size() + " entries for " + batch.size(), null);
                return;
            }
            long nowNanos = System.nanoTime();
            String nonRetryable = null;
            for (int i = 0; i < batch.size(); i++) {
                PutEntry entry = batch.get(i);
                PutRecordsResultEntry result = results.get(i);
                String errorCode = result.errorCode();
                if (errorCode != null) {
                    if (!RetryPolicy.isRetryableEntry(errorCode)) {
                        nonRetryable = errorCode + ": " + result.errorMessage();
                    }
                    for (PutEntry.Member m : entry.members()) {
                        retryLater(m, nowNanos, errorCode);
                    }
                    continue;
                }
                kinesisRecordsSent++;
                if (entry.expectedShardId() != null && result.shardId() == null
                        && loggedErrors.add("no shard id")) {
                    LOG.warn("PutRecords answered without a shard id; aggregates cannot be checked against"
                            + " resharding (logged once)");
                }
                if (!isMisrouted(entry, result)) {
                    for (PutEntry.Member m : entry.members()) {
                        delivered(m, nowNanos);
                    }
                } else {
                    onMisrouted(entry, result.shardId(), refreshed, nowNanos);
                }
            }
            if (nonRetryable != null) {
                fail("Kinesis rejected a record: " + nonRetryable, null);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A stored aggregate in another shard than planned. A success without a shard id (Kinesis always names it; an
     * emulator might not) cannot be checked and counts as routed as planned.
     */
    private static boolean isMisrouted(PutEntry entry, PutRecordsResultEntry result) {
        return entry.expectedShardId() != null && result.errorCode() == null && result.shardId() != null
                && !entry.expectedShardId().equals(result.shardId());
    }

    /**
     * KCL drops a whole aggregate (every user record in it) when one of its user records hashes outside the shard
     * that holds it ({@code AggregatorUtil.deaggregate} with the shard's range). So the aggregate counts as delivered
     * only when every member lies inside the receiving shard; otherwise all of it is sent again. Members with the
     * aggregate's own partition key are inside by definition (Kinesis routed it by that key), so an aggregate of one
     * device is kept even when the listing failed.
     */
    private void onMisrouted(PutEntry entry, String receivingShardId, ShardMap.Snapshot refreshed, long nowNanos) {
        shardMismatches++;
        ShardMap.ShardRange receiving = refreshed == null ? null : refreshed.shard(receivingShardId).orElse(null);
        boolean keptByKcl = true;
        for (PutEntry.Member m : entry.members()) {
            keptByKcl &= m.queue().partitionKey.equals(entry.partitionKey())
                    || (receiving != null && receiving.contains(m.queue().hashKey()));
        }
        for (PutEntry.Member m : entry.members()) {
            if (keptByKcl) {
                delivered(m, nowNanos);
            } else {
                resentAfterMismatch += m.records().size();
                retryLater(m, nowNanos, "misrouted aggregate (stream resharded)");
            }
        }
    }

    private void onCallFailed(List<PutEntry> batch, RuntimeException e) {
        lock.lock();
        try {
            inFlightRequests--;
            failedCalls++;
            if (!RetryPolicy.isRetryableCall(e)) {
                fail("PutRecords failed and is not retryable: " + e, e);
                return;
            }
            if (loggedErrors.add(e.getClass().getName())) {
                LOG.warn("PutRecords failed, retrying with backoff (logged once per error type): {}", e.toString());
            }
            long nowNanos = System.nanoTime();
            for (PutEntry entry : batch) {
                for (PutEntry.Member m : entry.members()) {
                    retryLater(m, nowNanos, e.getClass().getSimpleName());
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void delivered(PutEntry.Member member, long nowNanos) {
        DeviceQueue queue = member.queue();
        for (PendingRecord r : member.records()) {
            PendingRecord head = queue.records.pollFirst();
            assert head == r : "a queue's in-flight prefix changed while in flight";
            queued--;
            sent++;
            latencyMicros.recordValue(Math.max(0, (nowNanos - r.submittedAtNanos()) / 1_000));
        }
        queue.headAttempts = 0;
        if (queue.records.isEmpty()) {
            queue.state = DeviceQueue.State.IDLE;
        } else {
            queue.state = DeviceQueue.State.READY;
            ready.addLast(queue);
        }
    }

    private void retryLater(PutEntry.Member member, long nowNanos, String reason) {
        DeviceQueue queue = member.queue();
        retriedEntries += member.records().size();
        queue.headAttempts++;
        if (queue.headAttempts >= config.maxAttemptsPerRecord()) {
            fail("a record of " + queue.partitionKey + " failed " + queue.headAttempts + " times, last: " + reason,
                    null);
            return;
        }
        queue.state = DeviceQueue.State.BACKOFF;
        queue.retryAtNanos = nowNanos + retryPolicy.backoffNanos(queue.headAttempts);
        backingOff.add(queue);
    }

    private void fail(String message, Throwable cause) {
        if (failure == null) {
            failure = new PublishFailedException(message + " (" + queued + " records undelivered)", cause);
            LOG.error("publisher failed: {}", failure.getMessage());
        }
        changed.signalAll();
    }

    private static int checkSize(String partitionKey, byte[] data) {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(data, "data");
        if (partitionKey.isEmpty() || partitionKey.length() > PublisherConfig.KINESIS_MAX_PARTITION_KEY_CHARS) {
            throw new IllegalArgumentException("partition key must be 1..256 characters");
        }
        int sizeBytes = data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length;
        if (sizeBytes > PublisherConfig.KINESIS_MAX_RECORD_BYTES) {
            throw new RecordTooLargeException("record of " + partitionKey + " is " + sizeBytes
                    + " bytes with its key; Kinesis takes at most " + PublisherConfig.KINESIS_MAX_RECORD_BYTES);
        }
        return sizeBytes;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
