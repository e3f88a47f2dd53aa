package vigil.consumer.state.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import vigil.consumer.rules.DeviceSettings;
import vigil.consumer.rules.SettingsCache;
import vigil.schema.Tables;

/**
 * The settings side input: reads the whole settings table (one document per device, api-v1.md "Settings document")
 * every {@code interval} and publishes it to a {@link SettingsCache}; shard processors apply changed documents on
 * their next call (at most one poll interval of KCL, 200 ms, later). With a 2 s interval a change reaches the rules
 * within about 2.5 s, inside the 10 s the issue allows. A failed poll keeps the previous documents and is retried at
 * the next interval. A Scan costs read units in proportion to the table (about 0.5 RCU per 4 KB); for a very large
 * fleet a DynamoDB stream on the settings table is the step beyond.
 *
 * <p><b>Threading contract.</b> One private scheduler thread polls and is the cache's only writer.
 */
public final class DynamoSettingsPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoSettingsPoller.class);

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final SettingsCache cache;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "settings-poller");
        t.setDaemon(true);
        return t;
    });
    private boolean failing; // poller thread only: log a failure once per outage

    public DynamoSettingsPoller(DynamoDbAsyncClient dynamo, String tablePrefix, SettingsCache cache) {
        this.dynamo = dynamo;
        this.table = Tables.SETTINGS.nameWith(tablePrefix);
        this.cache = cache;
    }

    /** Polls once now (blocking), then every {@code interval}. */
    public void start(Duration interval) {
        pollOnce();
        scheduler.scheduleWithFixedDelay(this::pollOnce, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One full read of the table into the cache; false when it failed. */
    public boolean pollOnce() {
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
            if (failing) {
                LOG.info("settings poll of {} works again", table);
            }
            failing = false;
            return true;
        } catch (RuntimeException e) { // keep the previous documents; retry at the next interval
            if (!failing) {
                LOG.warn("settings poll of {} failed ({}); keeping the previous documents", table,
                        e.getClass().getSimpleName());
            }
            failing = true;
            return false;
        }
    }

    /** api-v1.md settings document as stored by the API (maps for calibration and thresholds). */
    static DeviceSettings toSettings(Map<String, AttributeValue> item) {
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
        scheduler.shutdownNow();
    }
}
