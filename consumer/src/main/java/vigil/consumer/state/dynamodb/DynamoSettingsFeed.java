package vigil.consumer.state.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import vigil.consumer.rules.DeviceSettings;
import vigil.consumer.rules.SettingsCache;
import vigil.feed.ChangeListener;
import vigil.feed.TableChange;
import vigil.feed.dynamodb.StreamClients;
import vigil.feed.dynamodb.StreamTail;
import vigil.schema.Tables;

/**
 * The settings side input (docs/change-feeds.md): one read of the settings table when the consumer starts, then the
 * table's stream. Shard processors apply changed documents on their next call (at most one KCL poll later), so a
 * change reaches the rules within the stream poll interval plus one KCL poll, well inside the 10 s of api-v1.md.
 *
 * <p>High level design: the {@link StreamTail} is positioned on the stream (LATEST) before the table is read, so no
 * change falls between the two; documents replace held ones by version, so the overlap is harmless. The read at
 * start is the only table read: it costs read units in proportion to the settings table once per worker start
 * (about 0.5 RCU per 4 KB, eventually consistent would halve it), never on a timer. If it fails, it is retried every
 * {@link #LOAD_RETRY} until it succeeds; the stream is followed meanwhile. When the stream reports a gap (changes
 * may have been skipped: a stall past its iterators' 15 min or its 24-h retention) the table is read once more the
 * same way; a document deleted during the gap stays held until the worker restarts.
 *
 * <p>Readers: every consumer worker reads each settings stream shard (a small table has one or two). DynamoDB
 * documents throttling above two readers per shard; the tail retries at its next poll, so a throttled worker sees a
 * settings change a poll later, not never (docs/change-feeds.md, "Readers per shard").
 *
 * <p><b>Threading contract.</b> The tail's thread and the load's thread write the cache (which serialises writers);
 * {@link #start} and {@link #close} from the owner's thread.
 */
public final class DynamoSettingsFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoSettingsFeed.class);
    /** Stream poll period: settings change rarely, and the contract allows 10 s. */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    static final Duration LOAD_RETRY = Duration.ofSeconds(5);

    private final DynamoDbAsyncClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final String table;
    private final SettingsCache cache;
    private final StreamTail tail;
    private final ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "settings-load");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean loaded;
    /** A read of the table is scheduled or retrying: further gaps need no other. */
    private final AtomicBoolean reloadPending = new AtomicBoolean();

    public DynamoSettingsFeed(DynamoDbAsyncClient dynamo, String tablePrefix, SettingsCache cache,
            Duration pollInterval) {
        this(dynamo, StreamClients.like(dynamo), tablePrefix, cache, pollInterval);
    }

    /** As above with a given streams client, which the feed closes (tests inject stream faults). */
    DynamoSettingsFeed(DynamoDbAsyncClient dynamo, DynamoDbStreamsClient streams, String tablePrefix,
            SettingsCache cache, Duration pollInterval) {
        this.dynamo = dynamo;
        this.streams = streams;
        this.table = Tables.SETTINGS.nameWith(tablePrefix);
        this.cache = cache;
        this.tail = new StreamTail(dynamo, streams, table, StreamTail.Start.LATEST, pollInterval,
                new ChangeListener() {
                    @Override
                    public void onChanges(List<TableChange> changes) {
                        DynamoSettingsFeed.this.onChanges(changes);
                    }

                    @Override
                    public void onGap(String reason) {
                        // The stream may have skipped changes: read the table once more, as at start.
                        if (reloadPending.compareAndSet(false, true)) { // one read for gaps reported together
                            LOG.warn("settings stream gap; reading {} once again", table);
                            loadUntilDone(Duration.ZERO);
                        }
                    }
                },
                "settings-stream");
    }

    /**
     * Positions on the stream, then reads the table once (blocking; retried in the background when it fails).
     *
     * @throws vigil.feed.dynamodb.StreamUnavailableException when the settings table has no stream
     */
    public void start() {
        tail.start();
        if (!loadOnce()) {
            reloadPending.set(true);
            loadUntilDone(LOAD_RETRY);
        }
    }

    /** Reads the table on the loader's thread after {@code delay}, again every {@link #LOAD_RETRY} until it works. */
    private void loadUntilDone(Duration delay) {
        try {
            loader.schedule(() -> {
                reloadPending.set(false); // a gap reported from here on is covered by a later read
                if (!loadOnce()) {
                    reloadPending.set(true);
                    loadUntilDone(LOAD_RETRY);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Whether the one read of the table at start has succeeded. */
    public boolean loaded() {
        return loaded;
    }

    /** Stream calls made so far (for the fleet benchmark). */
    public long streamReadCalls() {
        return tail.getRecordsCalls();
    }

    private void onChanges(List<TableChange> changes) {
        Map<String, DeviceSettings> changed = new HashMap<>();
        Set<String> removed = new HashSet<>();
        for (TableChange c : changes) {
            AttributeValue id = c.keys().get("deviceId");
            if (id == null || id.s() == null) {
                continue;
            }
            if (c.isRemoval()) {
                changed.remove(id.s());
                removed.add(id.s());
            } else {
                removed.remove(id.s());
                changed.put(id.s(), toSettings(c.newImage()));
            }
        }
        if (cache.apply(changed, removed)) {
            LOG.debug("settings stream: {} documents changed, {} removed", changed.size(), removed.size());
        }
    }

    /** One full read of the table into the cache; false when it failed. */
    boolean loadOnce() {
        try {
            Map<String, DeviceSettings> docs = new HashMap<>();
            Map<String, AttributeValue> startKey = null;
            do {
                ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true);
                if (startKey != null) {
                    request.exclusiveStartKey(startKey);
                }
                ScanResponse page = dynamo.scan(request.build()).join();
                for (Map<String, AttributeValue> item : page.items()) {
                    AttributeValue id = item.get("deviceId");
                    if (id != null && id.s() != null) {
                        docs.put(id.s(), toSettings(item));
                    }
                }
                startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey() : null;
            } while (startKey != null);
            cache.replace(docs);
            loaded = true;
            LOG.info("settings: {} documents read from {}; following its stream", docs.size(), table);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("settings read of {} failed ({}); retrying every {} s", table, e.getClass().getSimpleName(),
                    LOAD_RETRY.toSeconds());
            return false;
        }
    }

    /** api-v1.md settings document as stored by the API (maps for calibration and thresholds). */
    public static DeviceSettings toSettings(Map<String, AttributeValue> item) {
        long version = item.containsKey("version") ? Long.parseLong(item.get("version").n()) : 0;
        String careUnit = item.containsKey("careUnit") ? item.get("careUnit").s() : null;
        Long calibratedAt = null;
        Integer intervalDays = null;
        AttributeValue calibration = item.get("calibration");
        if (calibration != null && calibration.hasM()) {
            AttributeValue at = calibration.m().get("lastCalibratedAt");
            if (at != null && at.s() != null) {
                calibratedAt = Instant.parse(at.s()).toEpochMilli();
            }
            AttributeValue days = calibration.m().get("intervalDays");
            if (days != null && days.n() != null) {
                intervalDays = Integer.valueOf(days.n());
            }
        }
        Map<String, Double> overrides = new HashMap<>();
        AttributeValue thresholds = item.get("thresholds");
        if (thresholds != null && thresholds.hasM()) {
            thresholds.m().forEach((type, names) -> {
                if (names.hasM()) {
                    names.m().forEach((name, value) -> {
                        if (value.n() != null) {
                            overrides.put(type + "." + name, Double.valueOf(value.n()));
                        }
                    });
                }
            });
        }
        return new DeviceSettings(version, careUnit, calibratedAt, intervalDays, overrides);
    }

    @Override
    public void close() {
        loader.shutdownNow();
        tail.close();
        streams.close();
    }
}
