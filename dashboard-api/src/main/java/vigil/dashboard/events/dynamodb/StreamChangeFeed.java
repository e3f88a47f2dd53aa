package vigil.dashboard.events.dynamodb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import vigil.dashboard.alert.AlertStore;
import vigil.dashboard.alert.AlertView;
import vigil.dashboard.alert.dynamodb.DynamoAlertStore;
import vigil.dashboard.device.DeviceState;
import vigil.dashboard.device.DeviceView;
import vigil.dashboard.device.dynamodb.DynamoDeviceStateStore;
import vigil.dashboard.events.ChangeFeed;
import vigil.dashboard.events.FeedUnavailableException;
import vigil.feed.ChangeListener;
import vigil.feed.TableChange;
import vigil.feed.dynamodb.StreamTail;
import vigil.feed.dynamodb.StreamUnavailableException;
import vigil.schema.Tables;

/**
 * The event stream's changes from the DynamoDB streams of the device-state and alert tables (docs/change-feeds.md).
 *
 * <p>High level design: while at least one client is connected, two {@link StreamTail}s follow the two streams from
 * the moment the first client subscribed. A device-state change becomes a {@code device} event built from the
 * stream's new image alone (no table read); an alert change becomes an {@code alert} event and updates the feed's
 * map of open alerts, from which device events take their open alerts. That map is the only picture the feed keeps:
 * it is built by one read of the sparse open-alert index when the tails start (bounded by the open alerts, not by
 * the fleet), after the alert tail is positioned, and kept by the alert stream. A device event naming an open alert
 * the map lacks (its change is still on the way in the other stream) reads that alert by key. With no client for
 * {@link #IDLE_STOP}, the tails stop; the next client starts them again from that moment.
 *
 * <p>What a change costs: nothing per change in table reads; one GetRecords call per stream shard and poll
 * interval while clients are connected; one read of the open alerts per start. None of it grows with the fleet.
 *
 * <p><b>Threading contract.</b> Subscribe/unsubscribe from any thread; start and stop of the tails under
 * {@code lifecycle}. Each tail calls its listener on its own thread, so two threads publish:
 * {@link Subscriber#send} must serialise per client (EventRoutes does). The open-alert map is concurrent.
 */
public final class StreamChangeFeed implements ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(StreamChangeFeed.class);
    /** Comment lines keep proxies from closing idle streams and reveal dead clients. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** With no client for this long the stream readers stop (they cost a call per shard and poll interval). */
    static final Duration IDLE_STOP = Duration.ofSeconds(60);

    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final String deviceTable;
    private final String alertTable;
    private final AlertStore alerts;
    private final Duration pollInterval;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final Map<String, AlertView> openAlerts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService housekeeping;
    private final Object lifecycle = new Object();
    private StreamTail deviceTail; // guarded by lifecycle; null: stopped
    private StreamTail alertTail; // guarded by lifecycle
    private long idleSinceNanos; // guarded by lifecycle; 0: not idle

    /**
     * @param streams a streams client for the same account and endpoint; closed with this feed
     */
    public StreamChangeFeed(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String tablePrefix,
            AlertStore alerts, Duration pollInterval) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.deviceTable = Tables.DEVICE_STATE.nameWith(tablePrefix);
        this.alertTable = Tables.ALERTS.nameWith(tablePrefix);
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard-change-feed");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::housekeep, KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void prepare() {
        synchronized (lifecycle) {
            startTails();
            idleSinceNanos = 0;
        }
    }

    @Override
    public void subscribe(Subscriber s) {
        synchronized (lifecycle) {
            startTails();
            idleSinceNanos = 0;
            subscribers.add(s);
        }
    }

    @Override
    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    @Override
    public int subscriberCount() {
        return subscribers.size();
    }

    /** True while the stream readers run (for tests and health). */
    public boolean following() {
        synchronized (lifecycle) {
            return deviceTail != null;
        }
    }

    /** GetRecords calls of both tails since they last started (for the fleet benchmark's read counts). */
    public long streamReadCalls() {
        synchronized (lifecycle) {
            return deviceTail == null ? 0 : deviceTail.getRecordsCalls() + alertTail.getRecordsCalls();
        }
    }

    private void startTails() {
        if (deviceTail != null) {
            return;
        }
        StreamTail alertsTail = new StreamTail(dynamo, streams, alertTable, StreamTail.Start.LATEST, pollInterval,
                new ChangeListener() {
                    @Override
                    public void onChanges(List<TableChange> changes) {
                        onAlertChanges(changes);
                    }

                    @Override
                    public void onGap(String reason) {
                        rereadOpenAlerts();
                    }
                }, "events-alert-stream");
        StreamTail devicesTail = new StreamTail(dynamo, streams, deviceTable, StreamTail.Start.LATEST, pollInterval,
                this::onDeviceChanges, "events-device-stream");
        try {
            alertsTail.start(); // positioned first: every change after the baseline read below is seen
            openAlerts.clear();
            for (AlertView a : alerts.open(null, 0L)) {
                remember(a);
            }
            devicesTail.start();
        } catch (StreamUnavailableException | software.amazon.awssdk.core.exception.SdkException e) {
            alertsTail.close();
            devicesTail.close();
            LOG.warn("event stream unavailable: {}", e.getMessage());
            throw new FeedUnavailableException("change streams unavailable: " + e.getMessage(), e);
        }
        alertTail = alertsTail;
        deviceTail = devicesTail;
        LOG.info("following the streams of {} and {} every {} ms; {} open alerts", deviceTable, alertTable,
                pollInterval.toMillis(), openAlerts.size());
    }

    private void stopTails() {
        if (deviceTail != null) {
            deviceTail.close();
            alertTail.close();
            deviceTail = null;
            alertTail = null;
            openAlerts.clear();
            LOG.info("no event-stream client for {} s: stopped following the streams", IDLE_STOP.toSeconds());
        }
    }

    private void housekeep() {
        try {
            subscribers.removeIf(s -> !s.keepAlive());
            synchronized (lifecycle) {
                if (!subscribers.isEmpty() || deviceTail == null) {
                    idleSinceNanos = 0;
                } else if (idleSinceNanos == 0) {
                    idleSinceNanos = System.nanoTime();
                } else if (System.nanoTime() - idleSinceNanos >= IDLE_STOP.toNanos()) {
                    stopTails();
                    idleSinceNanos = 0;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("event stream housekeeping failed ({})", e.getClass().getSimpleName());
        }
    }

    /** Keeps the newest view of an alert: a change may come twice, or after the baseline read took a newer one. */
    private void remember(AlertView a) {
        if (a.isOpen()) {
            openAlerts.merge(a.alertId(), a, (old, now) -> now.historyCount() >= old.historyCount() ? now : old);
        } else {
            openAlerts.remove(a.alertId());
        }
    }

    /**
     * After a gap in the alert stream (changes may be lost): the open-alert map is built again by one read of the
     * open-alert index, as at start. Device changes lost in a gap are not replayed: clients see each device's next
     * change (the tail logs the gap).
     */
    void rereadOpenAlerts() { // package-private: a test plays the gap the tail reports
        try {
            List<AlertView> open = alerts.open(null, 0L);
            Set<String> ids = new HashSet<>();
            for (AlertView a : open) {
                ids.add(a.alertId());
                remember(a);
            }
            openAlerts.keySet().retainAll(ids);
            LOG.info("alert stream gap: {} open alerts read again", openAlerts.size());
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            LOG.warn("alert stream gap: open alerts not read again ({}); the map is kept as it was", e.toString());
        }
    }

    private void onAlertChanges(List<TableChange> changes) {
        for (TableChange c : changes) {
            if (c.isRemoval()) {
                openAlerts.remove(c.keys().get("alertId").s());
                continue;
            }
            AlertView a = DynamoAlertStore.toView(c.newImage());
            if (a != null) {
                remember(a);
                publish("alert", a, a.deviceId(), a.careUnit());
            }
        }
    }

    private void onDeviceChanges(List<TableChange> changes) {
        Map<String, DeviceState> newest = new LinkedHashMap<>(); // a burst of one device: its last state only
        for (TableChange c : changes) {
            if (!c.isRemoval()) {
                DeviceState s = DynamoDeviceStateStore.toState(c.newImage());
                if (s != null) {
                    newest.remove(s.deviceId());
                    newest.put(s.deviceId(), s);
                }
            }
        }
        for (DeviceState s : newest.values()) {
            if (subscribers.stream().noneMatch(sub -> sub.access().canSeeDevice(s.deviceId(), s.careUnit()))) {
                continue;
            }
            publish("device", DeviceView.of(s, openAlertsOf(s)), s.deviceId(), s.careUnit());
        }
    }

    private List<AlertView> openAlertsOf(DeviceState s) {
        List<AlertView> open = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : s.openAlertIds()) {
            AlertView a = openAlerts.get(id);
            if (a != null) {
                open.add(a);
            } else {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) { // its change is still on the way in the alert stream: read it by key
            for (AlertView a : alerts.findAll(missing)) {
                remember(a);
                open.add(a);
            }
        }
        return open;
    }

    private void publish(String event, Object data, String deviceId, String careUnit) {
        subscribers.removeIf(s -> s.access().canSeeDevice(deviceId, careUnit) && !s.send(event, data));
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        synchronized (lifecycle) {
            stopTails();
        }
        subscribers.clear();
        streams.close();
    }
}
