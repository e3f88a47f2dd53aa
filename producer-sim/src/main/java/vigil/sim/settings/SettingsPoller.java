package vigil.sim.settings;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.sim.device.SimulatedDevice;

/**
 * The collector's settings loop: every poll interval, each device's settings document is fetched with
 * {@code If-None-Match} and, when it changed, its calibration is applied to the device
 * ({@link SimulatedDevice#applyCalibration}), which then reports the new {@code settingsVersion}. A 304 changes
 * nothing; a 404 (no document yet) keeps whatever the device has; a failure is counted and retried next round.
 *
 * <p><b>Threading contract.</b> {@link #pollOnce()} runs on one thread at a time (the poller's own thread after
 * {@link #start()}, or the caller's in tests). The devices are handed calibrations through their thread-safe
 * {@code applyCalibration}; the driver thread keeps calling {@code next}. {@link #stats()} from any thread.
 */
public final class SettingsPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SettingsPoller.class);

    /**
     * Counters of the loop.
     *
     * @param polls    requests made
     * @param changed  documents applied (200 with a new version)
     * @param unchanged 304 answers
     * @param missing  404 answers
     * @param failed   other answers and I/O errors
     */
    public record Stats(long polls, long changed, long unchanged, long missing, long failed) {}

    private final SettingsClient client;
    private final List<SimulatedDevice> devices;
    private final Duration pollInterval;
    private final Map<String, String> etags = new HashMap<>(); // poll thread only
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong changed = new AtomicLong();
    private final AtomicLong unchanged = new AtomicLong();
    private final AtomicLong missing = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private ScheduledExecutorService scheduler;

    public SettingsPoller(SettingsClient client, List<SimulatedDevice> devices, Duration pollInterval) {
        this.client = Objects.requireNonNull(client, "client");
        this.devices = List.copyOf(devices);
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** Polls every device once, in order, and applies what changed. */
    public void pollOnce() throws InterruptedException {
        for (SimulatedDevice device : devices) {
            String id = device.deviceId();
            SettingsClient.Poll poll = client.poll(id, etags.get(id));
            polls.incrementAndGet();
            if (poll instanceof SettingsClient.Poll.Changed c) {
                device.applyCalibration(c.calibration());
                etags.put(id, c.etag());
                changed.incrementAndGet();
                LOG.info("settings version {} applied to {}", c.calibration().settingsVersion(), id);
            } else if (poll instanceof SettingsClient.Poll.Unchanged) {
                unchanged.incrementAndGet();
            } else if (poll instanceof SettingsClient.Poll.Missing) {
                missing.incrementAndGet();
            } else if (poll instanceof SettingsClient.Poll.Failed f) {
                if (failed.getAndIncrement() == 0) { // log the first, count the rest
                    LOG.warn("settings poll failed for {}: {} (further failures are counted)", id, f.reason());
                }
            }
        }
    }

    /** Polls now and then every poll interval on a daemon thread until {@link #close()}. */
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("started already");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sim-settings");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                pollOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) { // keep polling; a bad round must not end the loop
                failed.incrementAndGet();
                LOG.warn("settings poll round failed: {}", e.toString());
            }
        }, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Stats stats() {
        return new Stats(polls.get(), changed.get(), unchanged.get(), missing.get(), failed.get());
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
