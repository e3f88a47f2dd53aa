package vigil.consumer.state.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.rules.DeviceFigures;
import vigil.consumer.state.EffectsNotDurableException;
import vigil.consumer.state.EffectsWriter;
import vigil.consumer.state.PendingEffects;
import vigil.schema.HistoryAttributes;
import vigil.schema.Tables;

/**
 * Wraps the effects writer and, once the batch is durable, records the rule figures of each device at most once per
 * event-time minute in the device-history table (for the dashboard's charts). The point of a minute is the first
 * device-state snapshot of that minute this consumer sees; a replay after failover may rewrite it with a snapshot of
 * the same minute, which is harmless.
 *
 * <p>History is best-effort: a failed history write is logged (once per kind) and retried with the next snapshot of
 * the same minute, but never blocks checkpointing, because charts are not worth stalling alerting for.
 *
 * <p><b>Threading contract.</b> Shared by every shard processor of the worker. The minute map is a
 * {@link ConcurrentHashMap}; each device is written by one shard at a time, so the check-then-put per device has a
 * single writer.
 */
public final class HistoryRecordingEffectsWriter implements EffectsWriter {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryRecordingEffectsWriter.class);
    private static final long MINUTE_MILLIS = 60_000;

    private final EffectsWriter delegate;
    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Map<String, Long> lastMinuteByDevice = new ConcurrentHashMap<>();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private final ConsumerMeters meters; // null: not metered

    public HistoryRecordingEffectsWriter(EffectsWriter delegate, DynamoDbAsyncClient dynamo, String tablePrefix) {
        this(delegate, dynamo, tablePrefix, null);
    }

    /** With every history item metered by size ({@link ConsumerMeters#itemWritten}). */
    public HistoryRecordingEffectsWriter(
            EffectsWriter delegate, DynamoDbAsyncClient dynamo, String tablePrefix, ConsumerMeters meters) {
        this.delegate = delegate;
        this.dynamo = dynamo;
        this.table = Tables.DEVICE_HISTORY.nameWith(tablePrefix);
        this.meters = meters;
    }

    @Override
    public void writeDurably(PendingEffects effects) throws EffectsNotDurableException {
        delegate.writeDurably(effects);
        List<CompletableFuture<?>> puts = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        for (DeviceSnapshot s : effects.deviceStates()) {
            long minute = Math.floorDiv(s.newest().tsMillis(), MINUTE_MILLIS) * MINUTE_MILLIS;
            Long last = lastMinuteByDevice.get(s.deviceId());
            if (last != null && last >= minute) {
                continue;
            }
            lastMinuteByDevice.put(s.deviceId(), minute);
            devices.add(s.deviceId());
            Map<String, AttributeValue> item = toItem(s, minute);
            if (meters != null) {
                meters.itemWritten(Tables.DEVICE_HISTORY.baseName(), ItemSize.of(item));
            }
            puts.add(dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).build()));
        }
        for (int i = 0; i < puts.size(); i++) {
            try {
                puts.get(i).join();
            } catch (CompletionException e) {
                lastMinuteByDevice.remove(devices.get(i)); // retry with the device's next snapshot
                if (failureLogged.compareAndSet(false, true)) {
                    LOG.warn("device-history write failed ({}); charts miss points until it recovers. Logged once.",
                            e.getCause() == null ? "unknown" : e.getCause().getClass().getSimpleName());
                }
            }
        }
    }

    static Map<String, AttributeValue> toItem(DeviceSnapshot s, long minuteMillis) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(HistoryAttributes.DEVICE_ID, AttributeValue.fromS(s.deviceId()));
        item.put(HistoryAttributes.MINUTE_MILLIS, DeviceStateItems.number(minuteMillis));
        item.put(HistoryAttributes.EXPIRES_AT,
                DeviceStateItems.number(minuteMillis / 1000 + HistoryAttributes.RETENTION_HOURS * 3600L));
        DeviceFigures f = s.figures();
        put(item, "flowErrorPct", f.flowErrorPct());
        put(item, "pressureOffsetMmHg", f.pressureOffsetMmHg());
        put(item, "conductivityDivergenceMsCm", f.conductivityDivergenceMsCm());
        put(item, "temperatureDivergenceC", f.temperatureDivergenceC());
        put(item, "minutesToEmpty", f.minutesToEmpty());
        put(item, "batteryMinutesLeft", f.batteryMinutesLeft());
        put(item, "acidMinutesLeft", f.acidMinutesLeft());
        put(item, "filterHoursLeft", f.filterHoursLeft());
        return item;
    }

    private static void put(Map<String, AttributeValue> item, String name, Double v) {
        if (v != null && Double.isFinite(v)) {
            item.put(name, DeviceStateItems.number(v.doubleValue()));
        }
    }
}
