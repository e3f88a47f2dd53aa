package vigil.sim;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.sim.device.DeviceFleet;
import vigil.sim.device.SimulatedDevice;
import vigil.sim.publish.RecordSink;
import vigil.telemetry.TelemetryRecord;

/**
 * One simulation run: builds the devices of a {@link SimConfig}, paces them at the configured rate and hands every
 * encoded record to a {@link RecordSink}; at the end (limit reached or {@link #stop()}) it flushes the sink.
 *
 * <pre>{@code
 * try (KinesisPublisher publisher = new KinesisPublisher(kinesisClient, PublisherConfig.defaults(stream))) {
 *     SimResult result = new Simulation(SimConfig.defaults().withLimits(null, 2_000), publisher).run();
 *     Map<String, Long> lastSeq = result.lastSeqByDevice();
 * }
 * // in the background (demo): run until stopped
 * Simulation sim = new Simulation(SimConfig.defaults().withLimits(null, 0), publisher);
 * CompletableFuture<SimResult> done = sim.start();
 * ...
 * sim.stop();             // stops generating, flushes what is queued
 * SimResult result = done.join();
 * }</pre>
 *
 * <p>Pacing: record {@code k} is due at {@code start + k / recordsPerSecond}; devices take turns, so each sends every
 * {@code devices / recordsPerSecond} seconds. A driver that falls more than a second behind (back pressure) drops
 * the debt instead of bursting to catch up. Device time ({@code ts}) comes from the injected {@link Clock}; pacing
 * uses {@link System#nanoTime()}.
 *
 * <p>Catch-up ({@link SimConfig#catchUp()} {@code = C}): the schedule starts {@code C} before the run, so the
 * records of that stretch are all due at once and go out as fast as the sink takes them (no debt is dropped while
 * catching up); device time is the schedule's throughout ({@code clock at start - C + t}, read once). Once the
 * driver is within a second of its schedule it is caught up ({@link #caughtUp()}) and paces as without catch-up.
 * The duration limit counts from the start of the run, not from the first backlog record.
 *
 * <p>The sink may be reused by consecutive runs ({@code recordsSent} counts this run's records only), but not
 * shared by concurrent ones. The caller owns the sink and closes it.
 *
 * <p><b>Threading contract.</b> {@link #run()} (or {@link #start()}) once, on one thread. {@link #stop()},
 * {@link #progress()} and {@link #awaitFinished} may be called from any thread.
 */
public final class Simulation {
    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);
    /** Falling further behind than this resets the schedule instead of bursting. */
    private static final long MAX_CATCH_UP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SimConfig config;
    private final RecordSink sink;
    private final Clock deviceClock; // null: device time from the schedule, epochMillis + time since start
    private final long epochMillis; // device time of the first record when deviceClock is null
    private final List<SimulatedDevice> presetDevices; // null: DeviceFleet.create(config)
    private final RecordFlow flow;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    private final Pacer pacer;
    // written by the driver thread, read by any thread (progress); volatile for visibility
    private volatile Thread driver;
    private volatile long startNanos;
    private volatile long recordsGenerated;
    private volatile long behindNanos;
    private volatile boolean stopRequested;
    private volatile long caughtUpRecords = -1; // records generated when the backlog was sent; -1: not yet

    /** A run whose device time is the system UTC clock. */
    public Simulation(SimConfig config, RecordSink sink) {
        this(config, sink, Clock.systemUTC());
    }

    /** A run whose device time ({@code ts}) is read from {@code deviceClock}. */
    public Simulation(SimConfig config, RecordSink sink, Clock deviceClock) {
        this(config, sink, deviceClock, Pacer.SYSTEM);
    }

    /** A run paced by {@code pacer}; tests drive pacing in virtual time with it. */
    Simulation(SimConfig config, RecordSink sink, Clock deviceClock, Pacer pacer) {
        this(config, sink, Objects.requireNonNull(deviceClock, "deviceClock"), 0, null, RecordFlow.plain(), pacer);
    }

    private Simulation(SimConfig config, RecordSink sink, Clock deviceClock, long epochMillis,
            List<SimulatedDevice> devices, RecordFlow flow, Pacer pacer) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.deviceClock = deviceClock;
        this.epochMillis = epochMillis;
        this.presetDevices = devices == null ? null : List.copyOf(devices);
        this.flow = Objects.requireNonNull(flow, "flow");
        this.pacer = Objects.requireNonNull(pacer, "pacer");
    }

    /**
     * A run of the given devices through {@code flow} (a scenario's fault schedule) whose device time is the
     * simulation's own clock: the record due {@code t} after the start has {@code ts = epochMillis + t}, whatever the
     * machine's timing, so the same devices, flow and seed give the same records. {@code config} supplies the rate,
     * limits and flush timeout; its device counts and seed are not used (the devices are built already).
     *
     * @param virtualTime true to run as fast as possible (no waiting; for files), false to pace in real time
     */
    public static Simulation withScheduleClock(SimConfig config, List<SimulatedDevice> devices, RecordFlow flow,
            RecordSink sink, long epochMillis, boolean virtualTime) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("need at least one device");
        }
        return new Simulation(config, sink, null, epochMillis, devices, flow,
                virtualTime ? Pacer.virtual() : Pacer.SYSTEM);
    }

    /** As {@link #withScheduleClock(SimConfig, List, RecordFlow, RecordSink, long, boolean)} with a given pacer. */
    static Simulation withScheduleClock(SimConfig config, List<SimulatedDevice> devices, RecordFlow flow,
            RecordSink sink, long epochMillis, Pacer pacer) {
        return new Simulation(config, sink, null, epochMillis, devices, flow, pacer);
    }

    /** Runs on the calling thread until a limit is reached or {@link #stop()} is called, then flushes the sink. */
    public SimResult run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a Simulation runs once");
        }
        try {
            return drive();
        } finally {
            finished.countDown();
        }
    }

    /** Runs on a new daemon thread; the future completes with the result after the final flush. */
    public CompletableFuture<SimResult> start() {
        CompletableFuture<SimResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(run());
            } catch (Throwable t) { // hand anything to the future rather than lose it on a dead thread
                result.completeExceptionally(t);
            }
        }, "vigil-sim");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** Asks the run to stop generating; it then flushes and returns. Idempotent, any thread. */
    public void stop() {
        stopRequested = true;
        Thread t = driver;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Waits until {@link #run()} has returned; true if it did within {@code timeout}. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** True once the backlog of {@link SimConfig#catchUp()} has been handed to the sink (at once without one). */
    public boolean caughtUp() {
        return caughtUpRecords >= 0;
    }

    /** Records generated until the run caught up with its schedule, or -1 while it has not. */
    public long catchUpRecords() {
        return caughtUpRecords;
    }

    public SimProgress progress() {
        long start = startNanos;
        Duration elapsed = start == 0 ? Duration.ZERO : Duration.ofNanos(pacer.nanoTime() - start);
        return new SimProgress(recordsGenerated, elapsed, Duration.ofNanos(behindNanos), sink.stats());
    }

    private SimResult drive() {
        driver = Thread.currentThread();
        List<SimulatedDevice> devices = presetDevices != null ? presetDevices
                : DeviceFleet.create(config.pumps(), config.dialysisMachines(), config.careUnits(),
                        config.collectorId(), config.seed(), config.startSeq());
        Map<String, Long> lastSeqByDevice = new HashMap<>();
        double nanosPerRecord = 1e9 / config.recordsPerSecond();
        long durationNanos = config.duration() == null ? Long.MAX_VALUE : config.duration().toNanos();
        long sentBefore = sink.stats().sent(); // a sink may be reused by consecutive runs
        long begin = pacer.nanoTime();
        startNanos = begin;
        LOG.info("simulation started: {} devices, {} records/s, seed {}",
                devices.size(), config.recordsPerSecond(), config.seed());
        long[] emitted = {0};
        long[] sentMillis = {0}; // the simulation's clock at the current turn: when the collector sends
        RecordFlow.Emitter emitter = (key, data) -> {
            sink.submit(key, data, sentMillis[0]);
            emitted[0]++;
        };
        long turns = 0;
        long catchUpNanos = config.catchUp().toNanos();
        long origin = begin - catchUpNanos; // schedule time of the first record
        long clockStartMillis = deviceClock != null ? deviceClock.millis() : 0;
        boolean caughtUp = catchUpNanos == 0;
        if (caughtUp) {
            caughtUpRecords = 0;
        }
        long scheduleBase = origin;
        long slot = 0; // records since scheduleBase
        int next = 0; // index of the device whose turn it is
        boolean interrupted = false;
        Throwable failure = null;
        try {
            while (!stopRequested && (config.maxRecords() == 0 || turns < config.maxRecords())) {
                long dueNanos = scheduleBase + (long) (slot * nanosPerRecord);
                if (dueNanos - begin >= durationNanos) {
                    break;
                }
                long now;
                while ((now = pacer.nanoTime()) - dueNanos < 0 && !stopRequested) {
                    pacer.parkNanos(this, dueNanos - now);
                }
                if (stopRequested) {
                    break;
                }
                if (!caughtUp && now - dueNanos <= MAX_CATCH_UP_NANOS) {
                    caughtUp = true;
                    caughtUpRecords = emitted[0];
                    LOG.info("simulation caught up: {} backlog records sent in {} ms", emitted[0],
                            (now - begin) / 1_000_000);
                }
                behindNanos = now - dueNanos;
                if (caughtUp && now - dueNanos > MAX_CATCH_UP_NANOS) {
                    scheduleBase = now;
                    slot = 0;
                }
                SimulatedDevice device = devices.get(next);
                next = next + 1 == devices.size() ? 0 : next + 1;
                long runNanos = dueNanos - origin; // on the schedule, not the (late) actual time
                // With a backlog, device time follows the schedule throughout (never after the clock, and rising
                // per device also across the switch from backlog to real time); without, it is the clock's.
                long deviceTimeMillis = deviceClock == null ? epochMillis + runNanos / 1_000_000
                        : catchUpNanos == 0 ? deviceClock.millis()
                        : clockStartMillis + Math.floorDiv(dueNanos - begin, 1_000_000L);
                sentMillis[0] = deviceClock == null ? deviceTimeMillis : System.currentTimeMillis();
                TelemetryRecord record = flow.turn(device, deviceTimeMillis, runNanos / 1_000_000, emitter);
                if (record != null) {
                    lastSeqByDevice.put(device.deviceId(), record.seq());
                }
                turns++;
                recordsGenerated = emitted[0];
                slot++;
            }
            flow.finish(emitter); // records held back by the flow (late, reordered) are emitted, not lost
            recordsGenerated = emitted[0];
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (RuntimeException e) { // a failed sink or an oversize record: end the run, report it
            failure = e;
        }
        failure = flush(failure);
        if (interrupted || Thread.interrupted()) {
            Thread.currentThread().interrupt();
        }
        var stats = sink.stats();
        long generated = emitted[0];
        SimResult result = new SimResult(generated, stats.sent() - sentBefore, lastSeqByDevice,
                Duration.ofNanos(pacer.nanoTime() - begin), stats, failure);
        LOG.info("simulation ended: {} records generated, {} sent, {}", generated, result.recordsSent(),
                failure == null ? "complete" : "failed: " + failure.getMessage());
        return result;
    }

    /** Flushes the sink once, even after an interrupt; returns the first failure. */
    private Throwable flush(Throwable earlier) {
        boolean interrupted = Thread.interrupted(); // clear it so that the flush can wait
        try {
            if (!sink.flush(config.flushTimeout()) && earlier == null) {
                return new TimeoutException("records still queued after " + config.flushTimeout());
            }
        } catch (InterruptedException e) {
            interrupted = true;
            return earlier != null ? earlier : e;
        } catch (RuntimeException e) {
            return earlier != null ? earlier : e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return earlier;
    }
}
