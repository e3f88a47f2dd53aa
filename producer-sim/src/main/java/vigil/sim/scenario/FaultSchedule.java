package vigil.sim.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import vigil.sim.RecordFlow;
import vigil.sim.device.SimulatedDevice;
import vigil.sim.device.SimulatedDialysisMachine;
import vigil.sim.device.SimulatedPump;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/**
 * Plays a scenario's faults on the run's time line: at a fault's {@code at} it changes the device models (sensor
 * errors, battery drain, events) or the device's stream (silence, malformed copies, duplicates, swapped and late
 * records); at its end ({@code at + for}) a device fault reverts. Everything held back is emitted by
 * {@link #finish}, so a scenario never loses a record, it only delays it.
 *
 * <p><b>Threading contract.</b> A {@link RecordFlow}: the simulation driver calls it, one call at a time.
 * {@link #counters()} may be read from any thread afterwards (not while the run goes on).
 */
public final class FaultSchedule implements RecordFlow {

    /**
     * What the schedule injected into the stream.
     *
     * @param malformed  rejected-on-purpose records emitted
     * @param duplicates extra copies emitted
     * @param reordered  pairs emitted swapped
     * @param late       records held back and emitted late
     * @param silenced   turns skipped by silent devices
     * @param buffered   records held by a restarting collector and sent when it was back
     */
    public record Counters(long malformed, long duplicates, long reordered, long late, long silenced, long buffered) {}

    /** A change at a time on the run's time line: a fault starting or ending. */
    private record Change(long atMillis, int order, Fault fault, boolean start) {}

    /** A record held back until {@code releaseMillis}. */
    private record Held(long releaseMillis, long order, String deviceId, byte[] data) {}

    /** Stream faults of one device; only devices hit by a fault have one. */
    private static final class Lane {
        long silentUntilMillis = Long.MIN_VALUE;
        int malformedPending;
        int duplicatesLeft;
        int reorderLeft;
        byte[] reorderHeld;
        int lateLeft;
        long lateDelayMillis;
        // collector restart: records buffered until bufferUntilMillis, and the last records sent before it
        long bufferUntilMillis = Long.MIN_VALUE;
        final java.util.ArrayDeque<byte[]> buffered = new java.util.ArrayDeque<>();
        int resendCount;
        final java.util.ArrayDeque<byte[]> lastSent = new java.util.ArrayDeque<>(); // at most resendCount

        void sent(byte[] data) {
            if (resendCount > 0) {
                if (lastSent.size() == resendCount) {
                    lastSent.pollFirst();
                }
                lastSent.addLast(data);
            }
        }
    }

    private final TelemetryEncoder encoder = new TelemetryEncoder();
    private final Map<String, SimulatedDevice> devices = new HashMap<>();
    private final Map<String, Lane> lanes = new HashMap<>();
    private final List<Change> changes = new ArrayList<>(); // sorted by time, then file order
    private final PriorityQueue<Held> late = new PriorityQueue<>(
            Comparator.comparingLong(Held::releaseMillis).thenComparingLong(Held::order));
    private int nextChange;
    private long heldOrder;
    private long malformed;
    private long duplicates;
    private long reordered;
    private long lateCount;
    private long silenced;
    private long bufferedCount;

    /** A schedule of {@code scenario}'s faults over {@code devices} (built by {@link Scenario#createDevices}). */
    public FaultSchedule(Scenario scenario, List<SimulatedDevice> devices) {
        for (SimulatedDevice d : devices) {
            this.devices.put(d.deviceId(), d);
        }
        int order = 0;
        for (Fault f : scenario.faults()) {
            changes.add(new Change(f.atMillis(), order++, f, true));
            if (f.lasting() != null) {
                changes.add(new Change(f.endMillis(), order++, f, false));
            }
        }
        changes.sort(Comparator.comparingLong(Change::atMillis).thenComparingInt(Change::order));
        // A collector restart resends what it sent last before it: those devices' lanes remember their last records.
        for (Fault f : scenario.faults()) {
            if (f.kind() == FaultKind.COLLECTOR_RESTART) {
                for (String id : f.deviceIds()) {
                    Lane lane = lanes.computeIfAbsent(id, k -> new Lane());
                    lane.resendCount = Math.max(lane.resendCount, (int) f.parameter("resend", 3));
                }
            }
        }
    }

    @Override
    public TelemetryRecord turn(SimulatedDevice device, long deviceTimeMillis, long runMillis, Emitter out)
            throws InterruptedException {
        applyChangesUpTo(runMillis);
        while (!late.isEmpty() && late.peek().releaseMillis() <= runMillis) {
            Held h = late.poll();
            out.emit(h.deviceId(), h.data());
        }
        Lane lane = lanes.isEmpty() ? null : lanes.get(device.deviceId());
        if (lane == null) {
            TelemetryRecord record = device.next(deviceTimeMillis);
            out.emit(device.deviceId(), encoder.encode(record));
            return record;
        }
        if (runMillis < lane.silentUntilMillis) {
            silenced++;
            return null;
        }
        TelemetryRecord record = device.next(deviceTimeMillis);
        byte[] data = encoder.encode(record);
        String id = device.deviceId();
        if (runMillis < lane.bufferUntilMillis) { // the collector is restarting: it holds the record
            lane.buffered.addLast(data);
            bufferedCount++;
            return record;
        }
        if (lane.bufferUntilMillis != Long.MIN_VALUE) { // back: resend the unacknowledged, then the buffer
            lane.bufferUntilMillis = Long.MIN_VALUE;
            for (byte[] again : lane.lastSent) {
                out.emit(id, again);
                duplicates++;
            }
            while (!lane.buffered.isEmpty()) {
                byte[] held = lane.buffered.pollFirst();
                out.emit(id, held);
                lane.sent(held);
            }
        }
        if (lane.lateLeft > 0) {
            lane.lateLeft--;
            lateCount++;
            late.add(new Held(runMillis + lane.lateDelayMillis, heldOrder++, id, data));
        } else if (lane.reorderLeft > 0 && lane.reorderHeld == null) {
            lane.reorderHeld = data;
        } else if (lane.reorderHeld != null) {
            out.emit(id, data);
            out.emit(id, lane.reorderHeld);
            lane.reorderHeld = null;
            lane.reorderLeft--;
            reordered++;
        } else {
            out.emit(id, data);
            lane.sent(data);
            if (lane.duplicatesLeft > 0) {
                lane.duplicatesLeft--;
                duplicates++;
                out.emit(id, data);
            }
        }
        for (; lane.malformedPending > 0; lane.malformedPending--) {
            out.emit(id, Malformed.corrupt(data, (int) (malformed++ % Malformed.KINDS)));
        }
        return record;
    }

    @Override
    public void finish(Emitter out) throws InterruptedException {
        for (Map.Entry<String, Lane> e : lanes.entrySet()) {
            if (e.getValue().reorderHeld != null) {
                out.emit(e.getKey(), e.getValue().reorderHeld);
                e.getValue().reorderHeld = null;
            }
        }
        while (!late.isEmpty()) {
            Held h = late.poll();
            out.emit(h.deviceId(), h.data());
        }
        for (Map.Entry<String, Lane> e : lanes.entrySet()) { // a restart still under way at the end: send its buffer
            while (!e.getValue().buffered.isEmpty()) {
                out.emit(e.getKey(), e.getValue().buffered.pollFirst());
            }
        }
    }

    public Counters counters() {
        return new Counters(malformed, duplicates, reordered, lateCount, silenced, bufferedCount);
    }

    private void applyChangesUpTo(long runMillis) {
        while (nextChange < changes.size() && changes.get(nextChange).atMillis() <= runMillis) {
            Change c = changes.get(nextChange++);
            for (String id : c.fault().deviceIds()) {
                apply(c.fault(), devices.get(id), c.start(), runMillis);
            }
        }
    }

    private void apply(Fault f, SimulatedDevice device, boolean start, long runMillis) {
        switch (f.kind()) {
            case FLOW_DRIFT -> ((SimulatedPump) device).setFlowErrorPct(start ? f.parameter("pct", 0) : 0);
            case PRESSURE_OFFSET -> ((SimulatedPump) device).setPressureOffsetMmHg(start ? f.parameter("mmHg", 0) : 0);
            case CONDUCTIVITY_DIVERGENCE ->
                    ((SimulatedDialysisMachine) device).setConductivityErrorMsCm(start ? f.parameter("msCm", 0) : 0);
            case TEMPERATURE_DIVERGENCE ->
                    ((SimulatedDialysisMachine) device).setTemperatureErrorC(start ? f.parameter("c", 0) : 0);
            case BATTERY_DRAIN -> ((SimulatedPump) device).drainBattery(
                    start ? f.parameter("pctPerHour", 0) : 0, f.parameter("startPct", Double.NaN));
            case LOW_CONCENTRATE -> {
                if (start) {
                    SimulatedDialysisMachine m = (SimulatedDialysisMachine) device;
                    if (f.parameters().containsKey("acidMl")) {
                        m.setAcidRemainingMl(f.parameter("acidMl", 0));
                    } else {
                        m.shortenAcidBy(f.parameter("minutesShort", 30));
                    }
                }
            }
            case FILTER_HOURS -> {
                if (start) {
                    ((SimulatedDialysisMachine) device).setFilterHours(f.parameter("hours", 0));
                }
            }
            case INFUSION_NEAR_END -> {
                if (start) {
                    ((SimulatedPump) device).endInfusionIn(f.parameter("minutesLeft", 10));
                }
            }
            case START_INFUSION -> {
                if (start) {
                    ((SimulatedPump) device).startInfusion(
                            f.parameter("rateMlPerHr", 100), f.parameter("minutesLeft", 120));
                }
            }
            case PAUSE -> {
                if (start) {
                    ((SimulatedPump) device).pause(f.lasting().toMillis());
                }
            }
            case START_TREATMENT -> {
                if (start) {
                    ((SimulatedDialysisMachine) device).startTreatment(f.parameter("elapsedMin", 0));
                }
            }
            case SILENCE -> {
                if (start) {
                    lane(device).silentUntilMillis = f.endMillis();
                }
            }
            case MALFORMED -> {
                if (start) {
                    lane(device).malformedPending += (int) f.parameter("count", 0);
                }
            }
            case DUPLICATE -> {
                if (start) {
                    lane(device).duplicatesLeft += (int) f.parameter("count", 0);
                }
            }
            case REORDER -> {
                if (start) {
                    lane(device).reorderLeft += (int) f.parameter("count", 0);
                }
            }
            case COLLECTOR_RESTART -> {
                if (start) {
                    lane(device).bufferUntilMillis = f.endMillis();
                }
            }
            case LATE -> {
                if (start) {
                    Lane lane = lane(device);
                    lane.lateLeft += (int) f.parameter("count", 0);
                    lane.lateDelayMillis = (long) (f.parameter("delaySec", 0) * 1_000);
                }
            }
        }
    }

    private Lane lane(SimulatedDevice device) {
        return lanes.computeIfAbsent(device.deviceId(), id -> new Lane());
    }

    /** Rejected-on-purpose copies of a valid record, each with a readable {@code deviceId} (telemetry-v1). */
    static final class Malformed {
        static final int KINDS = 3;

        private Malformed() {}

        /**
         * Kind 0: {@code seq} as a string (WRONG_TYPE); 1: {@code ts} negative (OUT_OF_RANGE); 2: an unknown
         * {@code state} (OUT_OF_RANGE). The envelope before the broken field is intact, so the consumer can count
         * the rejection against the device (DATA_QUALITY).
         */
        static byte[] corrupt(byte[] valid, int kind) {
            String json = new String(valid, StandardCharsets.UTF_8);
            String broken = switch (kind) {
                case 0 -> json.replaceFirst("\"seq\":(\\d+)", "\"seq\":\"$1\"");
                case 1 -> json.replaceFirst("\"ts\":(\\d+)", "\"ts\":-1");
                default -> json.replaceFirst("\"state\":\"[a-z]+\"", "\"state\":\"exploded\"");
            };
            return broken.getBytes(StandardCharsets.UTF_8);
        }
    }
}
