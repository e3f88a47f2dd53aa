package vigil.consumer.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vigil.consumer.window.SingleWriterDialysisWindow;
import vigil.consumer.window.SingleWriterPumpWindow;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryRecord;

/**
 * The alert catalogue of alerts-v1.md for the devices of one shard. Event-time rules run after every applied
 * record ({@link #onApplied}); DEVICE_OFFLINE and DATA_QUALITY run on the processing time the caller passes in
 * ({@link #onTick}, {@link #onRejected}). Transitions collect until {@link #drainTransitions()}.
 *
 * <p>Nothing here reads a clock: event time comes from the records, processing time from the caller. Replaying the
 * same records with the same arrival and tick times gives the same transitions.
 *
 * <p><b>Threading contract.</b> Single logical writer: the owning shard processor (serial calls, any thread,
 * happens-before between calls). Not safe for concurrent use. Other threads read only the immutable
 * {@link DeviceFigures} each {@link DeviceRules} publishes, and the immutable transitions handed over by
 * {@link #drainTransitions()}.
 */
public final class AlertEngine {
    static final String SYSTEM = "system";
    /** alerts-v1.md DATA_QUALITY: >= 5 rejections within 5 min raise; none for 5 min clears. */
    static final int DATA_QUALITY_COUNT = 5;
    static final long DATA_QUALITY_WINDOW_MILLIS = 300_000;
    /** alerts-v1.md CONCENTRATE_LOW clear: minutesLeft >= remainingTreatmentMin + 20. */
    static final double CONCENTRATE_CLEAR_MARGIN_MIN = 20;
    /** alerts-v1.md BATTERY_DEPLETION: batteryPct <= 10 raises MEDIUM, <= 3 HIGH, clear needs > 15 and >= 40 min. */
    static final double BATTERY_MEDIUM_PCT = 10;
    static final double BATTERY_HIGH_PCT = 3;
    static final double BATTERY_CLEAR_PCT = 15;
    static final double BATTERY_CLEAR_MIN = 40;
    /** alerts-v1.md FILTER_LIFE: LOW from limitHours - 50. */
    static final double FILTER_LOW_MARGIN_HOURS = 50;
    private static final long DAY_MILLIS = 86_400_000L;

    // Verdict of one rule evaluation: keep the alert as it is, clear it, or raise/hold it at a priority.
    private static final int HOLD = -2;
    private static final int CLEAR = -1;
    private static final int LOW = Priority.LOW.ordinal();
    private static final int MEDIUM = Priority.MEDIUM.ordinal();
    private static final int HIGH = Priority.HIGH.ordinal();
    private static final Priority[] PRIORITIES = Priority.values();

    private final SettingsSource settingsSource;
    private final Map<String, DeviceRules> devices = new HashMap<>();
    private final List<DeviceRules> deviceList = new ArrayList<>(); // for the processing-time scan
    private final List<AlertTransition> transitions = new ArrayList<>();
    private double verdictValue; // figure behind the last verdict; writer scratch, avoids allocation
    private double verdictThreshold;

    public AlertEngine(SettingsSource settingsSource) {
        this.settingsSource = settingsSource;
    }

    /** The device's rule state, created (with its settings from the source) on first use. */
    public DeviceRules track(String deviceId) {
        DeviceRules d = devices.get(deviceId);
        if (d == null) {
            d = new DeviceRules(deviceId, settingsSource.settingsFor(deviceId));
            devices.put(deviceId, d);
            deviceList.add(d);
        }
        return d;
    }

    /**
     * Restores a device from its recovery journal ({@link DeviceRules.JournalReader}) with its settings from the
     * source, replacing any state this engine had for it. Emits nothing: the journal's alerts are already stored.
     */
    public DeviceRules restore(DeviceRules.JournalReader journal, String deviceId, TelemetryRecord newest) {
        DeviceRules d = journal.build(settingsSource.settingsFor(deviceId), newest);
        DeviceRules old = devices.put(deviceId, d);
        if (old != null) {
            deviceList.remove(old);
        }
        deviceList.add(d);
        return d;
    }

    public int deviceCount() {
        return devices.size();
    }

    /**
     * An accepted, non-late, non-duplicate record of the device: placed in the window, then every event-time rule of
     * the device type is evaluated with now = the device's newest ts. Also ends a DEVICE_OFFLINE silence.
     *
     * @param arrivalMillis Kinesis arrival time (processing time), epoch millis
     */
    public void onApplied(DeviceRules d, TelemetryRecord record, long arrivalMillis) {
        d.offerToWindow(record, arrivalMillis);
        d.dirty = true;
        endSilence(d, arrivalMillis);
        long nowMillis = d.newest.tsMillis();
        long evaluatedTs = record.tsMillis(); // raisedTs of anything this evaluation raises
        if (d.newest instanceof PumpRecord p) {
            evaluatePump(d, d.pumpWindow, p.metrics(), evaluatedTs, nowMillis);
        } else if (d.newest instanceof DialysisRecord r) {
            evaluateDialysis(d, d.dialysisWindow, r.metrics(), evaluatedTs, nowMillis);
        }
        evaluateCalibrationOverdue(d, evaluatedTs, nowMillis, false);
    }

    /** A late record (accepted, not applied): it still ends a DEVICE_OFFLINE silence (alerts-v1.md). */
    public void onLate(DeviceRules d, long arrivalMillis) {
        d.dirty = true;
        endSilence(d, arrivalMillis);
    }

    private void endSilence(DeviceRules d, long arrivalMillis) {
        d.lastArrivalMillis = Math.max(d.lastArrivalMillis, arrivalMillis);
        if (d.open(AlertType.DEVICE_OFFLINE) != null) {
            verdictValue = Double.NaN;
            verdictThreshold = d.thresholds.get(Threshold.OFFLINE_TIMEOUT_SEC);
            apply(d, AlertType.DEVICE_OFFLINE, CLEAR, 0, arrivalMillis);
        }
    }

    /**
     * A rejected record attributed to the device (DATA_QUALITY, by arrival time): raises when it is the 5th within
     * 5 min, {@code (arrival - 5 min, arrival]}.
     */
    public void onRejected(DeviceRules d, long arrivalMillis) {
        d.dirty = true;
        if (d.rejectArrivalMillis == null) {
            d.rejectArrivalMillis = new long[DATA_QUALITY_COUNT];
        }
        long[] ring = d.rejectArrivalMillis;
        long newest = d.rejectCount == 0 ? arrivalMillis : Math.max(arrivalMillis, ring[(d.rejectCount - 1) % 5]);
        ring[d.rejectCount % DATA_QUALITY_COUNT] = newest;
        d.rejectCount++;
        if (d.rejectCount >= DATA_QUALITY_COUNT && d.open(AlertType.DATA_QUALITY) == null) {
            long fifthNewest = ring[d.rejectCount % DATA_QUALITY_COUNT]; // the oldest of the ring
            if (fifthNewest > newest - DATA_QUALITY_WINDOW_MILLIS) {
                verdictValue = DATA_QUALITY_COUNT;
                verdictThreshold = DATA_QUALITY_COUNT;
                apply(d, AlertType.DATA_QUALITY, MEDIUM, newest, newest);
            }
        }
    }

    /**
     * Processing-time rules for every device, at least every 5 s per shard (alerts-v1.md), also while the shard is
     * quiet: DEVICE_OFFLINE raises when no accepted record arrived for {@code timeoutSec} since the newest one;
     * DATA_QUALITY clears when no rejection arrived for 5 min.
     *
     * @param nowMillis the consumer's clock, epoch millis
     */
    public void onTick(long nowMillis) {
        for (int i = 0, n = deviceList.size(); i < n; i++) {
            DeviceRules d = deviceList.get(i);
            if (d.newest != null && d.lastArrivalMillis != Long.MIN_VALUE) {
                double timeoutSec = d.thresholds.get(Threshold.OFFLINE_TIMEOUT_SEC);
                long silentMillis = nowMillis - d.lastArrivalMillis;
                if (silentMillis >= timeoutSec * 1000) {
                    OpenAlert a = d.open(AlertType.DEVICE_OFFLINE);
                    int level = treating(d.newest) ? HIGH : LOW;
                    if (a == null || a.priority.ordinal() != level) {
                        verdictValue = silentMillis / 1000.0;
                        verdictThreshold = timeoutSec;
                        apply(d, AlertType.DEVICE_OFFLINE, level, d.newest.tsMillis(), nowMillis);
                    }
                }
            }
            if (d.rejectCount > 0 && d.open(AlertType.DATA_QUALITY) != null) {
                long newest = d.rejectArrivalMillis[(d.rejectCount - 1) % DATA_QUALITY_COUNT];
                if (nowMillis - newest >= DATA_QUALITY_WINDOW_MILLIS) {
                    verdictValue = 0;
                    verdictThreshold = DATA_QUALITY_COUNT;
                    apply(d, AlertType.DATA_QUALITY, CLEAR, 0, nowMillis);
                }
            }
        }
    }

    private static boolean treating(TelemetryRecord r) {
        if (r instanceof PumpRecord p) {
            return p.metrics().state() == PumpState.RUNNING;
        }
        return ((DialysisRecord) r).metrics().state() == DialysisState.TREATMENT;
    }

    /**
     * A new settings document for the device: thresholds and care unit change for later evaluations; a calibration
     * later than an open calibration alert's raisedAt clears it; CALIBRATION_OVERDUE is re-evaluated.
     */
    public void applySettings(String deviceId, DeviceSettings settings) {
        DeviceRules d = track(deviceId);
        d.applySettings(settings);
        d.dirty = true;
        if (d.newest != null) {
            long nowMillis = d.newest.tsMillis();
            for (AlertType type : AlertType.all()) {
                if (type.isCalibrationRule()) {
                    clearIfRecalibrated(d, type, nowMillis);
                }
            }
            evaluateCalibrationOverdue(d, nowMillis, nowMillis, true);
        }
    }

    /**
     * An acknowledgement (alerts-v1.md, "Lifecycle"): ACTIVE becomes ACKNOWLEDGED, LATCHED becomes CLEARED.
     *
     * @return false when the alert is not open in this engine (unknown, cleared, or already acknowledged)
     */
    public boolean acknowledge(Acknowledgement ack) {
        int colon = ack.alertId().indexOf(':');
        DeviceRules d = colon < 0 ? null : devices.get(ack.alertId().substring(0, colon));
        if (d == null || d.open == null) {
            return false;
        }
        for (OpenAlert a : d.open) {
            if (a != null && a.alertId.equals(ack.alertId())) {
                if (a.status == AlertStatus.ACKNOWLEDGED) {
                    return false;
                }
                a.ackBy = ack.by();
                a.ackAtMillis = ack.atMillis();
                a.ackNote = ack.note();
                if (a.status == AlertStatus.LATCHED) {
                    close(d, a, Change.CLEARED, ack.atMillis(), ack.by(), Double.NaN, Double.NaN);
                } else {
                    a.status = AlertStatus.ACKNOWLEDGED;
                    a.record(Change.ACKNOWLEDGED, ack.atMillis(), ack.by(), Double.NaN);
                    emit(d, a, Change.ACKNOWLEDGED, ack.atMillis(), null, Double.NaN, Double.NaN);
                }
                d.dirty = true;
                return true;
            }
        }
        return false;
    }

    /**
     * Ids of the open alerts that no acknowledgement has reached yet ({@code ACTIVE} or {@code LATCHED}): the ones
     * an acknowledgement made in the API could still change.
     */
    public List<String> unacknowledgedOpenAlertIds() {
        List<String> ids = new ArrayList<>();
        for (DeviceRules d : deviceList) {
            if (d.open == null) {
                continue;
            }
            for (OpenAlert a : d.open) {
                if (a != null && a.ackAtMillis == null
                        && (a.status == AlertStatus.ACTIVE || a.status == AlertStatus.LATCHED)) {
                    ids.add(a.alertId);
                }
            }
        }
        return ids;
    }

    /** Hands over the transitions since the last call, oldest first. */
    public List<AlertTransition> drainTransitions() {
        if (transitions.isEmpty()) {
            return List.of();
        }
        List<AlertTransition> out = List.copyOf(transitions);
        transitions.clear();
        return out;
    }

    /** Forgets every device and pending transition (the shard's lease was lost). */
    public void reset() {
        devices.clear();
        deviceList.clear();
        transitions.clear();
    }

    // ---- event-time rules ---------------------------------------------------------------------------------------

    private void evaluatePump(DeviceRules d, SingleWriterPumpWindow w, PumpMetrics newest, long ts, long now) {
        Thresholds t = d.thresholds;
        // FLOW_ACCURACY_DRIFT: |errorPct| > raisePct raises MEDIUM, < clearPct clears (alerts-v1.md).
        if (!clearIfRecalibrated(d, AlertType.FLOW_ACCURACY_DRIFT, now)) {
            double e = RuleFigures.flowErrorPct(w);
            apply(d, AlertType.FLOW_ACCURACY_DRIFT, band(Math.abs(e), t.get(Threshold.FLOW_RAISE_PCT),
                    t.get(Threshold.FLOW_CLEAR_PCT), MEDIUM, e), ts, now);
        }
        // PRESSURE_SENSOR_OFFSET: mean > raiseMmHg raises LOW, mean < clearMmHg clears.
        if (!clearIfRecalibrated(d, AlertType.PRESSURE_SENSOR_OFFSET, now)) {
            double p = RuleFigures.pressureOffsetMmHg(w);
            apply(d, AlertType.PRESSURE_SENSOR_OFFSET, band(p, t.get(Threshold.PRESSURE_RAISE_MMHG),
                    t.get(Threshold.PRESSURE_CLEAR_MMHG), LOW, p), ts, now);
        }
        apply(d, AlertType.INFUSION_NEAR_END, nearEnd(w, newest, t), ts, now);
        apply(d, AlertType.BATTERY_DEPLETION, battery(w, newest, t), ts, now);
    }

    private int nearEnd(SingleWriterPumpWindow w, PumpMetrics newest, Thresholds t) {
        verdictThreshold = t.get(Threshold.NEAR_END_CLEAR_MIN);
        verdictValue = Double.NaN;
        if (newest.state() != PumpState.RUNNING) {
            return CLEAR; // checked first, applies even with no matching record
        }
        double m = RuleFigures.minutesToEmpty(w, newest);
        verdictValue = m;
        if (Double.isNaN(m)) {
            return HOLD;
        }
        if (m < t.get(Threshold.NEAR_END_HIGH_MIN)) {
            verdictThreshold = t.get(Threshold.NEAR_END_HIGH_MIN);
            return HIGH;
        }
        if (m < t.get(Threshold.NEAR_END_MEDIUM_MIN)) {
            verdictThreshold = t.get(Threshold.NEAR_END_MEDIUM_MIN);
            return MEDIUM;
        }
        return m >= t.get(Threshold.NEAR_END_CLEAR_MIN) ? CLEAR : HOLD;
    }

    private int battery(SingleWriterPumpWindow w, PumpMetrics newest, Thresholds t) {
        verdictValue = newest.batteryPct();
        verdictThreshold = Double.NaN;
        if (newest.onMains()) {
            return CLEAR; // checked first
        }
        double minutesLeft = RuleFigures.batteryMinutesLeft(w, newest); // NaN: unknown below the 3 min span
        double pct = newest.batteryPct();
        if (!Double.isNaN(minutesLeft) && !Double.isInfinite(minutesLeft)) {
            verdictValue = minutesLeft;
        }
        if (minutesLeft < t.get(Threshold.BATTERY_HIGH_MIN) || pct <= BATTERY_HIGH_PCT) {
            verdictThreshold = minutesLeft < t.get(Threshold.BATTERY_HIGH_MIN)
                    ? t.get(Threshold.BATTERY_HIGH_MIN) : BATTERY_HIGH_PCT;
            return HIGH;
        }
        if (minutesLeft < t.get(Threshold.BATTERY_MEDIUM_MIN) || pct <= BATTERY_MEDIUM_PCT) {
            verdictThreshold = minutesLeft < t.get(Threshold.BATTERY_MEDIUM_MIN)
                    ? t.get(Threshold.BATTERY_MEDIUM_MIN) : BATTERY_MEDIUM_PCT;
            return MEDIUM;
        }
        if (minutesLeft >= BATTERY_CLEAR_MIN && pct > BATTERY_CLEAR_PCT) {
            verdictThreshold = BATTERY_CLEAR_MIN;
            return CLEAR;
        }
        return HOLD;
    }

    private void evaluateDialysis(DeviceRules d, SingleWriterDialysisWindow w, DialysisMetrics newest, long ts,
            long now) {
        Thresholds t = d.thresholds;
        // CONDUCTIVITY_SENSOR_DRIFT: mean |conductivity - reference| > raiseMsCm raises MEDIUM, < clearMsCm clears.
        if (!clearIfRecalibrated(d, AlertType.CONDUCTIVITY_SENSOR_DRIFT, now)) {
            double c = RuleFigures.conductivityDivergenceMsCm(w);
            apply(d, AlertType.CONDUCTIVITY_SENSOR_DRIFT, band(c, t.get(Threshold.CONDUCTIVITY_RAISE_MS_CM),
                    t.get(Threshold.CONDUCTIVITY_CLEAR_MS_CM), MEDIUM, c), ts, now);
        }
        // TEMPERATURE_SENSOR_DRIFT: mean |temp - reference| > raiseC raises MEDIUM, < clearC clears.
        if (!clearIfRecalibrated(d, AlertType.TEMPERATURE_SENSOR_DRIFT, now)) {
            double c = RuleFigures.temperatureDivergenceC(w);
            apply(d, AlertType.TEMPERATURE_SENSOR_DRIFT, band(c, t.get(Threshold.TEMPERATURE_RAISE_C),
                    t.get(Threshold.TEMPERATURE_CLEAR_C), MEDIUM, c), ts, now);
        }
        apply(d, AlertType.CONCENTRATE_LOW, concentrate(w, newest, t), ts, now);
        // FILTER_LIFE on the newest record: >= limitHours MEDIUM, >= limitHours - 50 LOW, below clears.
        double limit = t.get(Threshold.FILTER_LIMIT_HOURS);
        double hours = newest.filterHours();
        verdictValue = hours;
        verdictThreshold = hours >= limit ? limit : limit - FILTER_LOW_MARGIN_HOURS;
        int filter = hours >= limit ? MEDIUM : hours >= limit - FILTER_LOW_MARGIN_HOURS ? LOW : CLEAR;
        apply(d, AlertType.FILTER_LIFE, filter, ts, now);
    }

    private int concentrate(SingleWriterDialysisWindow w, DialysisMetrics newest, Thresholds t) {
        double remainingMin = newest.treatmentPlannedMin() - newest.treatmentElapsedMin();
        verdictValue = Double.NaN;
        verdictThreshold = remainingMin + CONCENTRATE_CLEAR_MARGIN_MIN;
        if (w.resetByLastOffer() || newest.state() != DialysisState.TREATMENT) {
            return CLEAR; // the reset and "not treatment" clears come before the raise
        }
        double minutesLeft = RuleFigures.acidMinutesLeft(w, newest);
        verdictValue = minutesLeft;
        if (Double.isNaN(minutesLeft)) {
            return HOLD;
        }
        if (minutesLeft < remainingMin + t.get(Threshold.CONCENTRATE_MARGIN_MIN)) {
            verdictThreshold = remainingMin + t.get(Threshold.CONCENTRATE_MARGIN_MIN);
            return MEDIUM;
        }
        return minutesLeft >= remainingMin + CONCENTRATE_CLEAR_MARGIN_MIN ? CLEAR : HOLD;
    }

    /** Hysteresis for "figure > raise raises at level; figure < clear clears"; a NaN figure holds. */
    private int band(double figure, double raise, double clear, int level, double reported) {
        verdictValue = reported;
        if (Double.isNaN(figure)) {
            return HOLD;
        }
        if (figure > raise) { // raise first: with overrides where clear > raise, raising wins
            verdictThreshold = raise;
            return level;
        }
        verdictThreshold = clear;
        return figure < clear ? CLEAR : HOLD;
    }

    /** CALIBRATION_OVERDUE: now > lastCalibratedAt + intervalDays; cleared only by a settings change. */
    private void evaluateCalibrationOverdue(DeviceRules d, long ts, long now, boolean settingsChanged) {
        DeviceSettings s = d.settings;
        boolean known = s != null && s.lastCalibratedAtMillis() != null && s.calibrationIntervalDays() != null;
        if (!known && !settingsChanged) {
            return;
        }
        long dueMillis = known ? s.lastCalibratedAtMillis() + s.calibrationIntervalDays() * DAY_MILLIS : Long.MAX_VALUE;
        boolean overdue = now > dueMillis;
        verdictValue = known ? s.calibrationIntervalDays() : Double.NaN;
        verdictThreshold = verdictValue;
        if (overdue) {
            apply(d, AlertType.CALIBRATION_OVERDUE, LOW, ts, now);
        } else if (settingsChanged) {
            apply(d, AlertType.CALIBRATION_OVERDUE, CLEAR, ts, now);
        }
    }

    /** Clears an open calibration alert when the settings record a calibration later than its raisedAt. */
    private boolean clearIfRecalibrated(DeviceRules d, AlertType type, long now) {
        OpenAlert a = d.open(type);
        DeviceSettings s = d.settings;
        if (a == null || s == null || s.lastCalibratedAtMillis() == null || s.lastCalibratedAtMillis() <= a.raisedTs) {
            return false;
        }
        verdictValue = Double.NaN;
        verdictThreshold = Double.NaN;
        apply(d, type, CLEAR, 0, now);
        return true;
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    /**
     * Applies a verdict (alerts-v1.md, "Lifecycle"). A level opens an alert when none is open, else moves its
     * priority (maxPriority keeps the highest). A clear ends ACTIVE (LATCHED when maxPriority is HIGH) and
     * ACKNOWLEDGED, and does nothing to LATCHED.
     */
    private void apply(DeviceRules d, AlertType type, int verdict, long raisedTs, long atMillis) {
        if (verdict == HOLD) {
            return;
        }
        OpenAlert a = d.open(type);
        if (verdict == CLEAR) {
            if (a == null || a.status == AlertStatus.LATCHED) {
                return;
            }
            if (a.status == AlertStatus.ACTIVE && a.maxPriority == Priority.HIGH) {
                a.status = AlertStatus.LATCHED;
                a.record(Change.LATCHED, atMillis, SYSTEM, verdictValue);
                emit(d, a, Change.LATCHED, atMillis, null, verdictValue, verdictThreshold);
            } else {
                close(d, a, Change.CLEARED, atMillis, SYSTEM, verdictValue, verdictThreshold);
            }
            return;
        }
        Priority level = PRIORITIES[verdict];
        if (a == null) {
            if (d.open == null) {
                d.open = new OpenAlert[AlertType.values().length];
            }
            a = new OpenAlert(d.deviceId, type, raisedTs, level);
            d.open[type.ordinal()] = a;
            a.record(Change.RAISED, atMillis, SYSTEM, verdictValue);
            emit(d, a, Change.RAISED, atMillis, null, verdictValue, verdictThreshold);
        } else if (a.priority != level) {
            Change change = level.compareTo(a.priority) > 0 ? Change.ESCALATED : Change.DEESCALATED;
            a.priority = level;
            if (level.compareTo(a.maxPriority) > 0) {
                a.maxPriority = level;
            }
            a.record(change, atMillis, SYSTEM, verdictValue);
            emit(d, a, change, atMillis, null, verdictValue, verdictThreshold);
        }
    }

    private void close(DeviceRules d, OpenAlert a, Change change, long atMillis, String actor, double value,
            double threshold) {
        a.status = AlertStatus.CLEARED;
        a.record(change, atMillis, actor, value);
        d.open[a.type.ordinal()] = null;
        emit(d, a, change, atMillis, atMillis, value, threshold);
    }

    private void emit(DeviceRules d, OpenAlert a, Change change, long atMillis, Long clearedMillis, double value,
            double threshold) {
        d.dirty = true;
        transitions.add(new AlertTransition(a.alertId, d.deviceId, d.deviceType, d.careUnit(), a.type, a.priority,
                a.maxPriority, a.status, change, a.raisedTs, atMillis, clearedMillis, finite(value),
                finite(threshold), AlertMessages.message(a.type, a.status, a.priority), a.ackBy, a.ackAtMillis,
                a.ackNote, a.history));
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
