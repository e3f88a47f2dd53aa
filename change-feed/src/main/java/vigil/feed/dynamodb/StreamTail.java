package vigil.feed.dynamodb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import vigil.feed.ChangeListener;
import vigil.feed.TableChange;

/**
 * Follows every shard of a DynamoDB table's stream and hands the changes to one {@link ChangeListener}
 * (docs/change-feeds.md).
 *
 * <p>High level design: {@link #start()} finds the table's stream and positions a reader on every open shard (at
 * {@link Start#LATEST} or {@link Start#TRIM_HORIZON}), before it returns: every change made after {@code start()}
 * returns is delivered. One private thread then calls GetRecords on each shard every {@code pollInterval} (at once
 * again when a call returned a full page), and re-lists the shards every {@link #SHARD_REFRESH}: a shard found later
 * (DynamoDB rolls shards over about every four hours, and splits them) is read from its start, but only after its
 * parent shard is read to its end, so that the changes of one item keep their order. A reader whose iterator expired
 * (a stall over 15 min) continues after its last sequence number; if it has read nothing yet it starts its shard
 * again (TRIM_HORIZON start or a child shard) or, positioned at LATEST by {@code start()}, continues at the newest
 * change and reports a gap. One that fell behind the stream's 24-h retention continues at the oldest change and
 * reports a gap. A gap is logged and handed to {@link ChangeListener#onGap}.
 *
 * <p>Cost: one GetRecords call per shard and poll interval, whether or not anything changed (streams read requests,
 * not table read units); nothing grows with the number of items. DynamoDB documents that more than two processes
 * reading one stream shard may be throttled (docs/change-feeds.md, "Readers per shard").
 *
 * <p>Delivery: at least once, in order per item (a change may be delivered twice after an iterator is renewed, never
 * out of order for an item); listeners apply changes idempotently (by version or sequence).
 *
 * <p><b>Threading contract.</b> {@link #start()} and {@link #close()} from any thread, once each; the listener is
 * called on the tail's thread only. Counters may be read from any thread.
 */
public final class StreamTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTail.class);
    /** How often the shard list is read again (new shards after a rollover or split). */
    public static final Duration SHARD_REFRESH = Duration.ofSeconds(10);
    private static final int PAGE = 1_000; // GetRecords maximum
    private static final int MAX_PAGES_PER_POLL = 10; // a backlog is read at once, but the other shards get a turn

    /** Where readers of the shards open at {@link #start()} begin. */
    public enum Start {
        /** Changes made after {@code start()} returns (a reader that builds its picture by one read first). */
        LATEST,
        /** Every change the stream still holds (up to 24 h). */
        TRIM_HORIZON
    }

    private final Function<String, String> streamArnOfTable;
    private final DynamoDbStreamsClient streams;
    private final String tableName;
    private final Start start;
    private final Duration pollInterval;
    private final ChangeListener listener;
    private final ScheduledExecutorService thread;
    private final AtomicLong getRecordsCalls = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong describeCalls = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();

    // Tail-thread state (start() runs before the thread is scheduled: happens-before by the executor).
    private String streamArn;
    private final Map<String, ShardReader> readers = new LinkedHashMap<>();
    private final Set<String> finished = new HashSet<>(); // shard ids read to their end (or skipped at start)
    private long lastRefreshNanos;
    private boolean failing; // log a failure once per outage
    private volatile boolean closed;

    private static final class ShardReader {
        final String shardId;
        final String parentShardId;
        String iterator; // null: not started yet (waits for its parent)
        String lastSequenceNumber;
        boolean fromLatest; // positioned at LATEST by start(): its history before that is not this reader's

        ShardReader(String shardId, String parentShardId) {
            this.shardId = shardId;
            this.parentShardId = parentShardId;
        }
    }

    /**
     * @param threadName name of the tail's thread (shows in thread dumps)
     */
    public StreamTail(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String tableName, Start start,
            Duration pollInterval, ChangeListener listener, String threadName) {
        this(table -> dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn(), streams, tableName,
                start, pollInterval, listener, threadName);
    }

    /** As above, for a caller with an asynchronous table client. */
    public StreamTail(DynamoDbAsyncClient dynamo, DynamoDbStreamsClient streams, String tableName, Start start,
            Duration pollInterval, ChangeListener listener, String threadName) {
        this(table -> dynamo.describeTable(b -> b.tableName(table)).join().table().latestStreamArn(), streams,
                tableName, start, pollInterval, listener, threadName);
    }

    private StreamTail(Function<String, String> streamArnOfTable, DynamoDbStreamsClient streams, String tableName,
            Start start, Duration pollInterval, ChangeListener listener, String threadName) {
        this.streamArnOfTable = streamArnOfTable;
        this.streams = Objects.requireNonNull(streams, "streams");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.start = Objects.requireNonNull(start, "start");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
        }
        this.pollInterval = pollInterval;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Finds the stream and positions a reader on every open shard; then follows them in the background.
     *
     * @throws StreamUnavailableException when the table has no stream (or cannot be described)
     */
    public void start() {
        try {
            thread.submit(this::position).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamUnavailableException("interrupted while positioning on the stream of " + tableName, e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof StreamUnavailableException s) {
                throw s;
            }
            throw new StreamUnavailableException("cannot read the stream of " + tableName + ": "
                    + e.getCause().getClass().getSimpleName(), e.getCause());
        }
        thread.scheduleWithFixedDelay(this::pollSafely, pollInterval.toMillis(), pollInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void position() {
        String arn;
        try {
            arn = streamArnOfTable.apply(tableName);
        } catch (RuntimeException e) {
            throw new StreamUnavailableException("cannot describe table " + tableName + ": "
                    + e.getClass().getSimpleName() + " (" + e.getMessage() + ")", e);
        }
        if (arn == null) {
            throw new StreamUnavailableException("table " + tableName + " has no stream; it must be created with a"
                    + " NEW_IMAGE stream (the local stack and the CDK stack do this)", null);
        }
        streamArn = arn;
        for (Shard shard : listShards()) {
            ShardReader reader = new ShardReader(shard.shardId(), shard.parentShardId());
            boolean open = shard.sequenceNumberRange() == null
                    || shard.sequenceNumberRange().endingSequenceNumber() == null;
            if (start == Start.LATEST) {
                if (open) {
                    reader.iterator = iterator(shard.shardId(), ShardIteratorType.LATEST, null);
                    reader.fromLatest = true;
                    readers.put(reader.shardId, reader);
                } else {
                    finished.add(shard.shardId());
                }
            } else {
                readers.put(reader.shardId, reader); // started in lineage order by the first poll
            }
        }
        startReadyReaders();
        lastRefreshNanos = System.nanoTime();
    }

    private List<Shard> listShards() {
        List<Shard> shards = new ArrayList<>();
        String after = null;
        do {
            String from = after;
            describeCalls.incrementAndGet();
            DescribeStreamResponse r = streams.describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(from));
            shards.addAll(r.streamDescription().shards());
            after = r.streamDescription().lastEvaluatedShardId();
        } while (after != null);
        return shards;
    }

    private String iterator(String shardId, ShardIteratorType type, String afterSequence) {
        return streams.getShardIterator(b -> {
            b.streamArn(streamArn).shardId(shardId).shardIteratorType(type);
            if (afterSequence != null) {
                b.sequenceNumber(afterSequence);
            }
        }).shardIterator();
    }

    /** Starts, from their first change, the readers whose parent shard is read to its end or unknown. */
    private void startReadyReaders() {
        for (ShardReader r : readers.values()) {
            if (r.iterator == null && (r.parentShardId == null || finished.contains(r.parentShardId)
                    || !readers.containsKey(r.parentShardId))) {
                r.iterator = iterator(r.shardId, ShardIteratorType.TRIM_HORIZON, null);
            }
        }
    }

    private void pollSafely() {
        if (closed) {
            return;
        }
        try {
            poll();
            if (failing) {
                LOG.info("stream of {} is read again", tableName);
            }
            failing = false;
        } catch (RuntimeException e) { // keep positions; retry at the next poll
            if (!failing) {
                LOG.warn("reading the stream of {} failed ({}); retrying every poll", tableName,
                        e.getClass().getSimpleName());
            }
            failing = true;
        }
    }

    private void poll() {
        if (System.nanoTime() - lastRefreshNanos >= SHARD_REFRESH.toNanos()) {
            refreshShards();
        }
        List<String> done = new ArrayList<>();
        RuntimeException failure = null;
        for (ShardReader r : readers.values()) {
            if (r.iterator == null) {
                continue;
            }
            try {
                if (readShard(r)) {
                    done.add(r.shardId);
                }
            } catch (ResourceNotFoundException e) {
                gap("stream shard " + r.shardId + " no longer exists (past the 24-h retention); its unread changes"
                        + " are lost");
                done.add(r.shardId);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e; // the other shards still get their turn; reported after them
                }
            }
        }
        if (!done.isEmpty()) {
            for (String id : done) {
                readers.remove(id);
                finished.add(id);
            }
            refreshShards(); // a closed shard has children: find and start them now
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void refreshShards() {
        lastRefreshNanos = System.nanoTime();
        Set<String> listed = new HashSet<>();
        for (Shard shard : listShards()) {
            listed.add(shard.shardId());
            if (!readers.containsKey(shard.shardId()) && !finished.contains(shard.shardId())) {
                readers.put(shard.shardId(), new ShardReader(shard.shardId(), shard.parentShardId()));
            }
        }
        finished.retainAll(listed); // shards past retention are no one's parent any more
        startReadyReaders();
    }

    private void gap(String reason) {
        gaps.incrementAndGet();
        LOG.warn("{} stream: {}", tableName, reason);
        try {
            listener.onGap(reason);
        } catch (RuntimeException e) {
            LOG.warn("{} stream: the listener failed on a gap: {}", tableName, e.toString());
        }
    }

    /** A new iterator for a reader whose iterator expired (a stall over 15 min). */
    private String renewExpired(ShardReader r) {
        try {
            if (r.lastSequenceNumber != null) {
                return iterator(r.shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, r.lastSequenceNumber);
            }
            if (r.fromLatest) {
                // Nothing read since start(): its position is lost, and the shard's older history (up to 24 h) is
                // not this reader's to deliver. Continue at the newest change and say what may be missing.
                String latest = iterator(r.shardId, ShardIteratorType.LATEST, null);
                gap("stream shard " + r.shardId + ": iterator expired before its first change (a stall over"
                        + " 15 min); changes made meanwhile may be missed");
                return latest;
            }
            return iterator(r.shardId, ShardIteratorType.TRIM_HORIZON, null);
        } catch (TrimmedDataAccessException e) {
            gap("stream shard " + r.shardId + " trimmed past this reader's position");
            return iterator(r.shardId, ShardIteratorType.TRIM_HORIZON, null);
        }
    }

    /** Reads what the shard holds now (up to {@link #MAX_PAGES_PER_POLL} pages); true when the shard has ended. */
    private boolean readShard(ShardReader r) {
        for (int page = 0; page < MAX_PAGES_PER_POLL; page++) {
            GetRecordsResponse response;
            try {
                getRecordsCalls.incrementAndGet();
                String it = r.iterator;
                response = streams.getRecords(b -> b.shardIterator(it).limit(PAGE));
            } catch (ExpiredIteratorException e) {
                r.iterator = renewExpired(r);
                continue;
            } catch (TrimmedDataAccessException e) {
                gap("stream shard " + r.shardId + " trimmed past this reader's position");
                r.iterator = iterator(r.shardId, ShardIteratorType.TRIM_HORIZON, null);
                continue;
            }
            List<Record> records = response.records();
            if (!records.isEmpty()) {
                deliver(records);
                r.lastSequenceNumber = records.get(records.size() - 1).dynamodb().sequenceNumber();
            }
            r.iterator = response.nextShardIterator();
            if (r.iterator == null) {
                return true;
            }
            if (records.size() < PAGE) {
                return false;
            }
        }
        return false;
    }

    private void deliver(List<Record> records) {
        List<TableChange> batch = new ArrayList<>(records.size());
        for (Record record : records) {
            StreamRecord s = record.dynamodb();
            boolean removed = record.eventName() == OperationType.REMOVE;
            batch.add(new TableChange(s.keys(), removed || !s.hasNewImage() ? null : s.newImage(),
                    s.sequenceNumber(),
                    s.approximateCreationDateTime() == null ? 0 : s.approximateCreationDateTime().toEpochMilli()));
        }
        changes.addAndGet(batch.size());
        try {
            listener.onChanges(batch);
        } catch (RuntimeException e) {
            LOG.error("change listener of {} failed on {} changes ({}); they are dropped", tableName, batch.size(),
                    e.getClass().getName(), e);
        }
    }

    /** GetRecords calls made so far (each one streams read request). */
    public long getRecordsCalls() {
        return getRecordsCalls.get();
    }

    /** Gaps reported so far (changes that may have been missed). */
    public long gaps() {
        return gaps.get();
    }

    /** DescribeStream calls made so far. */
    public long describeCalls() {
        return describeCalls.get();
    }

    /** Changes delivered so far. */
    public long changes() {
        return changes.get();
    }

    public String tableName() {
        return tableName;
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
