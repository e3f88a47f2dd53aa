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
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts records to a Kinesis stream with PutRecords, keeping per-partition-key order and losing nothing: entries that
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
     * One FIFO queue per partition key (device). Only a queue's head may be in flight, and a batch takes at most
     * one head per queue, so a device's records reach the shard in order whatever fails and however many calls run
     * at once. A queue is in exactly one state:
     *   IDLE       empty
     *   READY      head waiting for a batch; the queue is in `ready` (round robin: back of the line after each send)
     *   IN_FLIGHT  head is part of a running PutRecords call
     *   BACKOFF    head failed; the queue is in `backingOff` until retryAtNanos
     * The dispatcher thread turns up to maxBatchRecords READY heads into one call and hands it to one of
     * maxInFlightRequests caller threads. On the answer, successful heads are popped; failed heads stay and wait
     * base * 2^(attempt-1) capped at maxBackoff, then a random half of it again ("equal jitter"). A failed call counts
     * as every entry failing. All state below is guarded by `lock`; the calls run outside it. One condition,
     * `changed`, is signalled on every state change that anyone may wait for.
     */
    private static final Logger LOG = LoggerFactory.getLogger(KinesisPublisher.class);

    private enum QueueState { IDLE, READY, IN_FLIGHT, BACKOFF }

    private static final class DeviceQueue {
        final String partitionKey;
        final ArrayDeque<Pending> records = new ArrayDeque<>();
        QueueState state = QueueState.IDLE;
        int headAttempts; // failed sends of the current head
        long retryAtNanos; // System.nanoTime() at which BACKOFF ends

        DeviceQueue(String partitionKey) {
            this.partitionKey = partitionKey;
        }
    }

    private record Pending(byte[] data, int sizeBytes, long submittedAtNanos) {}

    private record Entry(DeviceQueue queue, Pending pending) {}

    private final KinesisClient client;
    private final PublisherConfig config;
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
    private long retriedEntries;
    private long failedCalls;
    private boolean closing; // no more submits
    private boolean stopping; // dispatcher ends
    private PublishFailedException failure; // set once; the publisher is dead

    /** Starts the dispatcher; the publisher is ready for {@link #submit} on return. */
    public KinesisPublisher(KinesisClient client, PublisherConfig config) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.retryPolicy = new RetryPolicy(config);
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
            queue.records.addLast(new Pending(data, sizeBytes, submittedAtNanos));
            queued++;
            submitted++;
            if (queue.state == QueueState.IDLE) {
                queue.state = QueueState.READY;
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
            return new SinkStats(submitted, sent, retriedEntries, failedCalls, queued, gaveUp ? queued : 0,
                    latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(99),
                    latencyMicros.getMaxValue());
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
                    due.state = QueueState.READY;
                    ready.addLast(due);
                }
                if (!ready.isEmpty() && inFlightRequests < config.maxInFlightRequests()) {
                    List<Entry> batch = takeBatch();
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
        } finally {
            lock.unlock();
        }
    }

    private List<Entry> takeBatch() {
        List<Entry> batch = new ArrayList<>(Math.min(ready.size(), config.maxBatchRecords()));
        long batchBytes = 0;
        while (batch.size() < config.maxBatchRecords() && !ready.isEmpty()) {
            Pending head = ready.peekFirst().records.peekFirst();
            if (batchBytes + head.sizeBytes() > config.maxBatchBytes()) {
                break; // the first head always fits: records are <= 1 MiB, batches >= 1 MiB
            }
            DeviceQueue queue = ready.pollFirst();
            queue.state = QueueState.IN_FLIGHT;
            batchBytes += head.sizeBytes();
            batch.add(new Entry(queue, head));
        }
        return batch;
    }

    // ---- caller threads ----

    private void send(List<Entry> batch) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
        for (Entry e : batch) {
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey(e.queue().partitionKey)
                    .data(SdkBytes.fromByteArrayUnsafe(e.pending().data()))
                    .build());
        }
        PutRecordsResponse response;
        try {
            response = client.putRecords(PutRecordsRequest.builder()
                    .streamName(config.streamName())
                    .records(entries)
                    .build());
        } catch (RuntimeException e) { // SdkException and anything unexpected: classified below, never lost
            onCallFailed(batch, e);
            return;
        }
        onResponse(batch, response);
    }

    private void onResponse(List<Entry> batch, PutRecordsResponse response) {
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
                Entry entry = batch.get(i);
                String errorCode = results.get(i).errorCode();
                if (errorCode == null) {
                    delivered(entry, nowNanos);
                } else {
                    if (!RetryPolicy.isRetryableEntry(errorCode)) {
                        nonRetryable = errorCode + ": " + results.get(i).errorMessage();
                    }
                    retryLater(entry.queue(), nowNanos, errorCode);
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

    private void onCallFailed(List<Entry> batch, RuntimeException e) {
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
            for (Entry entry : batch) {
                retryLater(entry.queue(), nowNanos, e.getClass().getSimpleName());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void delivered(Entry entry, long nowNanos) {
        DeviceQueue queue = entry.queue();
        queue.records.pollFirst();
        queue.headAttempts = 0;
        queued--;
        sent++;
        latencyMicros.recordValue(Math.max(0, (nowNanos - entry.pending().submittedAtNanos()) / 1_000));
        if (queue.records.isEmpty()) {
            queue.state = QueueState.IDLE;
        } else {
            queue.state = QueueState.READY;
            ready.addLast(queue);
        }
    }

    private void retryLater(DeviceQueue queue, long nowNanos, String reason) {
        retriedEntries++;
        queue.headAttempts++;
        if (queue.headAttempts >= config.maxAttemptsPerRecord()) {
            fail("a record of " + queue.partitionKey + " failed " + queue.headAttempts + " times, last: " + reason,
                    null);
            return;
        }
        queue.state = QueueState.BACKOFF;
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
