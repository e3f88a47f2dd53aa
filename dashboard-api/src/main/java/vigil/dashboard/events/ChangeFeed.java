package vigil.dashboard.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.dashboard.alert.AlertStore;
import vigil.dashboard.alert.AlertView;
import vigil.dashboard.auth.Access;
import vigil.dashboard.device.DeviceState;
import vigil.dashboard.device.DeviceStateStore;
import vigil.dashboard.device.DeviceView;

/**
 * Turns changes in DynamoDB into events for the connected event-stream clients, each filtered to the client's scope.
 *
 * <p>High level design: one poller per API instance, running only while at least one client is connected. Every
 * {@code pollInterval} it scans the device-state table and the sparse open-alert index, and compares with the
 * previous poll: a device item that differs gives a {@code device} event; an open alert that is new or differs gives
 * an {@code alert} event; an alert that left the index (cleared) is read by key and sent with its final status. The
 * first poll after the first client connects only takes the baseline. A change is therefore seen at most
 * {@code pollInterval} plus one scan after it is written (api-v1.md asks for 2 s). DynamoDB Streams would avoid
 * the scans; see docs/api.md for why polling was chosen and when to switch.
 *
 * <p><b>Threading contract.</b> {@link #subscribe} and {@link #unsubscribe} may be called from any thread. The poll
 * runs on the feed's single scheduler thread, which alone touches the baseline maps and calls
 * {@link Subscriber#send} (never concurrently for one subscriber).
 */
public final class ChangeFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    /** Comment lines keep proxies from closing idle streams and reveal dead clients. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** One connected client. */
    public interface Subscriber {
        Access access();

        /** Sends one event; false when the client is gone (it is then dropped). */
        boolean send(String event, Object data);

        /** Sends a comment line; false when the client is gone. */
        boolean keepAlive();
    }

    private final DeviceStateStore devices;
    private final AlertStore alerts;
    private final Duration pollInterval;
    private final ScheduledExecutorService scheduler;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final Set<Class<?>> loggedErrors = ConcurrentHashMap.newKeySet();

    // Poller-thread-only state.
    private Map<String, DeviceState> lastDevices; // null: no baseline yet
    private Map<String, AlertView> lastOpenAlerts;
    private long lastKeepAliveNanos = System.nanoTime();

    public ChangeFeed(DeviceStateStore devices, AlertStore alerts, Duration pollInterval) {
        this.devices = devices;
        this.alerts = alerts;
        this.pollInterval = pollInterval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard-change-feed");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::pollSafely, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public void subscribe(Subscriber s) {
        subscribers.add(s);
    }

    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    private void pollSafely() {
        try {
            if (subscribers.isEmpty()) {
                lastDevices = null; // nobody listens: take a fresh baseline when someone does
                lastOpenAlerts = null;
                return;
            }
            poll();
            if (System.nanoTime() - lastKeepAliveNanos > KEEP_ALIVE.toNanos()) {
                lastKeepAliveNanos = System.nanoTime();
                subscribers.removeIf(s -> !s.keepAlive());
            }
        } catch (RuntimeException e) {
            if (loggedErrors.add(e.getClass())) {
                LOG.warn("change feed poll failed ({}); retrying every poll. Further ones of this kind not logged.",
                        e.getClass().getSimpleName());
            }
        }
    }

    private void poll() {
        Map<String, DeviceState> nowDevices = new HashMap<>();
        for (DeviceState s : devices.all()) {
            nowDevices.put(s.deviceId(), s);
        }
        Map<String, AlertView> nowOpen = new HashMap<>();
        for (AlertView a : alerts.open(null, 0L)) {
            nowOpen.put(a.alertId(), a);
        }
        if (lastDevices == null) {
            lastDevices = nowDevices;
            lastOpenAlerts = nowOpen;
            return;
        }
        List<AlertView> changedAlerts = new ArrayList<>();
        for (AlertView a : nowOpen.values()) {
            if (!a.equals(lastOpenAlerts.get(a.alertId()))) {
                changedAlerts.add(a);
            }
        }
        List<String> gone = new ArrayList<>();
        for (String id : lastOpenAlerts.keySet()) {
            if (!nowOpen.containsKey(id)) {
                gone.add(id);
            }
        }
        if (!gone.isEmpty()) {
            changedAlerts.addAll(alerts.findAll(gone));
        }
        Set<String> changedDeviceIds = new HashSet<>();
        for (DeviceState s : nowDevices.values()) {
            if (!s.equals(lastDevices.get(s.deviceId()))) {
                changedDeviceIds.add(s.deviceId());
            }
        }
        changedAlerts.forEach(a -> changedDeviceIds.add(a.deviceId()));
        List<AlertView> open = List.copyOf(nowOpen.values());
        for (AlertView a : changedAlerts) {
            publish("alert", a, a.deviceId(), a.careUnit());
        }
        for (String id : changedDeviceIds) {
            DeviceState s = nowDevices.get(id);
            if (s != null) {
                publish("device", DeviceView.of(s, open), s.deviceId(), s.careUnit());
            }
        }
        lastDevices = nowDevices;
        lastOpenAlerts = nowOpen;
    }

    private void publish(String event, Object data, String deviceId, String careUnit) {
        subscribers.removeIf(s -> s.access().canSeeDevice(deviceId, careUnit) && !s.send(event, data));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        subscribers.clear();
    }
}
