package vigil.sim.device;

import static vigil.sim.device.Noise.clamp;
import static vigil.sim.device.Noise.follow;
import static vigil.sim.device.Noise.round;
import static vigil.sim.device.Noise.uniform;

import java.util.Objects;
import java.util.SplittableRandom;
import vigil.telemetry.DeviceType;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;

/**
 * A volumetric infusion pump running a sequence of infusions: {@code running} at a programmed rate until the
 * volume to be infused (VTBI) is delivered, then {@code kvo} (keep vein open) for a few minutes, then
 * {@code stopped} until the next infusion starts with a new {@code infusionId}. Now and then an infusion is
 * {@code paused} for a while. {@code infusedMl} grows by rate x time and never decreases within an infusion;
 * {@code vtbiMl} decreases by the same amount. Battery charges on mains and drains on battery; now and then a
 * caregiver swaps a low battery for a charged one.
 *
 * <p>Line pressure: builds slowly under flow, with brief transients (the patient moves or coughs) and now and then
 * an occlusion (a kinked line, a closed clamp): the pressure climbs until the pump's occlusion alarm stops it
 * ({@code paused}) and a caregiver clears the line. After any stop the line pressure releases over seconds (time
 * constant 3 s), which is why alerts-v1 v1.1 counts only settled stopped/paused records.
 *
 * <p>Every value stays inside the telemetry-v1 ranges. Not thread-safe (see {@link SimulatedDevice}).
 */
public final class SimulatedPump implements SimulatedDevice {
    /* Plausible values, not clinical guidance: common programmed rates and bag volumes of adult infusions. */
    private static final double[] RATES_ML_PER_HR = {10, 20, 25, 42, 50, 62.5, 75, 83, 100, 125, 150, 167, 200, 250};
    private static final double[] VTBI_ML = {50, 100, 250, 500, 1000};
    /** KVO rate; pumps typically offer 1 to 5 mL/h. */
    private static final double KVO_RATE_ML_PER_HR = 1.0;
    /** Chance per record that a running infusion gets paused. */
    private static final double PAUSE_PROBABILITY = 0.002;
    private static final double UNPLUG_PROBABILITY = 0.001;
    private static final double REPLUG_PROBABILITY = 0.02;
    private static final double CHARGE_PCT_PER_HR = 25;
    private static final double DRAIN_PCT_PER_HR = 8;
    /** Below this charge the (simulated) nurse plugs the pump in. */
    private static final double REPLUG_BELOW_PCT = 25;
    /** Chance per record, on battery below 60 %, that a caregiver swaps in a charged battery (90 to 100 %). */
    private static final double BATTERY_SWAP_PROBABILITY = 0.0005;
    /** Chance per record while running of a pressure transient of +30 to +120 mmHg decaying over ~5 s. */
    private static final double TRANSIENT_PROBABILITY = 0.002;
    private static final double TRANSIENT_TAU_MILLIS = 5_000;
    /** Chance per record while running that the line starts to occlude; the alarm pauses the pump at 300 mmHg. */
    private static final double OCCLUSION_PROBABILITY = 0.0002;
    private static final double OCCLUSION_ALARM_MMHG = 300;
    /** Line pressure release after a stop: a compliant line drains into the patient over seconds. */
    private static final double RELEASE_TAU_MILLIS = 3_000;

    private final DeviceIdentity identity;
    private final SplittableRandom random;

    private long nextSeq;
    private long lastTimeMillis = Long.MIN_VALUE; // MIN_VALUE: no record yet
    private PumpState state;
    private long stateRemainingMillis; // time left in paused, kvo or stopped
    private int infusionCount;
    private String infusionId;
    private double rateMlPerHr;
    private double infusedMl;
    private double vtbiMl;
    private double pressureMmHg;
    private double batteryPct;
    private boolean onMains;
    private double transientMmHg; // decaying extra pressure of a transient (running only)
    private boolean occluding; // the line is occluding: pressure climbs until the alarm pauses the pump

    // scenario faults; driver thread only
    private double flowErrorPct; // volume measurement error: measured = true x (1 + flowErrorPct / 100)
    private double pressureOffsetMmHg; // added to the pressure reading
    private double forcedDrainPctPerHr; // > 0: unplugged, drains at this rate and nobody plugs it in

    /** Written by the settings poller, read once per record by the driver; {@code null} until settings arrive. */
    private volatile DeviceCalibration calibration;

    /**
     * @param identity envelope fields; its type must be {@link DeviceType#INFUSION_PUMP}
     * @param seed     simulation seed; the device derives its own stream from it and its id
     * @param startSeq seq of the first record, {@code >= 0}
     */
    public SimulatedPump(DeviceIdentity identity, long seed, long startSeq) {
        this.identity = Objects.requireNonNull(identity, "identity");
        if (identity.deviceType() != DeviceType.INFUSION_PUMP) {
            throw new IllegalArgumentException("a pump needs deviceType infusion_pump");
        }
        this.random = new SplittableRandom(Noise.deviceSeed(seed, identity.deviceId()));
        this.nextSeq = startSeq;
        startInfusion();
        // Devices join the simulation somewhere in their infusion, not all at 0 mL.
        double alreadyMl = vtbiMl * random.nextDouble() * 0.9;
        infusedMl = alreadyMl;
        vtbiMl -= alreadyMl;
        pressureMmHg = targetPressureMmHg();
        onMains = random.nextDouble() < 0.85;
        batteryPct = uniform(random, 40, 100);
    }

    @Override
    public DeviceIdentity identity() {
        return identity;
    }

    @Override
    public long lastSeq() {
        return nextSeq - 1;
    }

    @Override
    public void applyCalibration(DeviceCalibration newCalibration) {
        calibration = newCalibration; // volatile store: the driver sees it from its next record
    }

    @Override
    public DeviceCalibration calibration() {
        return calibration;
    }

    /**
     * Fault: the pump's volume measurement reads {@code pct} percent high (negative: low), so {@code infusedMl}
     * grows {@code 1 + pct/100} times faster than the programmed rate says; 0 ends the fault. A settings document's
     * {@code flowCorrectionFactor} of {@code 1 / (1 + pct/100)} corrects it.
     */
    public void setFlowErrorPct(double pct) {
        flowErrorPct = pct;
    }

    /** Fault: the pressure sensor reads {@code offsetMmHg} high; 0 ends the fault. */
    public void setPressureOffsetMmHg(double offsetMmHg) {
        pressureOffsetMmHg = offsetMmHg;
    }

    /**
     * Fault: the pump is unplugged and its battery drains at {@code pctPerHr} (an aged battery) without anyone
     * plugging it back in; 0 ends the fault and plugs the pump in.
     *
     * @param startPct battery charge at the start of the fault, or {@code NaN} to keep the current charge
     */
    public void drainBattery(double pctPerHr, double startPct) {
        forcedDrainPctPerHr = pctPerHr;
        if (pctPerHr > 0) {
            onMains = false;
            if (!Double.isNaN(startPct)) {
                batteryPct = clamp(startPct, 0, 100);
            }
        } else {
            onMains = true;
        }
    }

    /** Event: a caregiver pauses the infusion for {@code millis} (a stopped pump stays stopped at least that long). */
    public void pause(long millis) {
        if (state == PumpState.STOPPED) {
            stateRemainingMillis = Math.max(stateRemainingMillis, millis);
        } else {
            enter(PumpState.PAUSED, millis);
        }
    }

    /**
     * Event: the running infusion (a new one if none runs) has only {@code minutes} of volume left at its
     * programmed rate.
     */
    public void endInfusionIn(double minutes) {
        if (state != PumpState.RUNNING) {
            startInfusion();
        }
        vtbiMl = Math.max(0.1, rateMlPerHr * minutes / 60);
    }

    /**
     * Event: a new infusion (new {@code infusionId}) starts now at {@code rateMlPerHr} with volume for
     * {@code minutes} at that rate.
     */
    public void startInfusion(double newRateMlPerHr, double minutes) {
        startInfusion();
        rateMlPerHr = clamp(newRateMlPerHr, 0.1, 1200);
        vtbiMl = clamp(rateMlPerHr * minutes / 60, 0.1, 10_000);
    }

    @Override
    public PumpRecord next(long deviceTimeMillis) {
        long dtMillis = lastTimeMillis == Long.MIN_VALUE ? 0 : Math.max(0, deviceTimeMillis - lastTimeMillis);
        lastTimeMillis = Math.max(lastTimeMillis, deviceTimeMillis);
        DeviceCalibration applied = calibration; // one volatile load per record
        advance(dtMillis, applied == null ? 1.0 : applied.flowCorrectionFactor());
        PumpMetrics metrics = new PumpMetrics(
                state,
                round(state == PumpState.KVO ? KVO_RATE_ML_PER_HR : rateMlPerHr, 1),
                round(infusedMl, 2),
                round(vtbiMl, 2),
                // the sensor fault, corrected by the applied calibration (api-v1 v1.1 pressureOffsetMmHg)
                round(clamp(pressureMmHg + transientMmHg + pressureOffsetMmHg
                        + (applied == null ? 0 : applied.pressureOffsetMmHg()), -100, 1500), 0),
                round(batteryPct, 1),
                onMains,
                infusionId,
                airInLineUl(),
                Boolean.FALSE);
        return new PumpRecord(identity.envelope(nextSeq++, deviceTimeMillis, applied), metrics);
    }

    private void advance(long dtMillis, double flowCorrectionFactor) {
        double dtHours = dtMillis / 3_600_000.0;
        switch (state) {
            case RUNNING -> infuse(dtHours * (1 + flowErrorPct / 100) * flowCorrectionFactor);
            case KVO -> {
                infusedMl = Math.min(10_000, infusedMl + KVO_RATE_ML_PER_HR * dtHours);
                if (countDown(dtMillis)) {
                    enter(PumpState.STOPPED, minutes(1, 5));
                }
            }
            case PAUSED -> {
                if (countDown(dtMillis)) {
                    state = PumpState.RUNNING;
                }
            }
            case STOPPED -> {
                if (countDown(dtMillis)) {
                    startInfusion();
                }
            }
        }
        // Line pressure builds slowly under flow (and fast while occluding) and releases over seconds when the pump
        // stops (the line drains into the patient): alerts-v1 v1.1 PRESSURE_SENSOR_OFFSET counts only records 10 s
        // (settleSec) into a stop, when a healthy line is near 5 mmHg again.
        boolean stopped = state == PumpState.PAUSED || state == PumpState.STOPPED;
        double tauMillis = stopped ? RELEASE_TAU_MILLIS : occluding ? 15_000 : 20_000;
        pressureMmHg = clamp(follow(random, pressureMmHg, targetPressureMmHg(), dtMillis, tauMillis, 2.0), -100, 1500);
        transientMmHg *= Math.exp(-dtMillis / TRANSIENT_TAU_MILLIS);
        if (state == PumpState.RUNNING) {
            if (random.nextDouble() < TRANSIENT_PROBABILITY) {
                transientMmHg += uniform(random, 30, 120);
            }
            if (!occluding && random.nextDouble() < OCCLUSION_PROBABILITY) {
                occluding = true;
            }
            if (occluding && pressureMmHg >= OCCLUSION_ALARM_MMHG) {
                occluding = false; // the alarm stops the pump; a caregiver clears the line within minutes
                enter(PumpState.PAUSED, minutes(0.5, 4));
            }
        } else {
            occluding = false;
            // a stop releases the transient with the line (its pressure is part of what releases)
            pressureMmHg += transientMmHg;
            transientMmHg = 0;
        }
        updatePower(dtHours);
    }

    /** @param dtHours elapsed time scaled by the measurement error and correction: measured volume = rate x it */
    private void infuse(double dtHours) {
        double deltaMl = rateMlPerHr * dtHours;
        if (deltaMl >= vtbiMl) {
            infusedMl += vtbiMl;
            vtbiMl = 0;
            enter(PumpState.KVO, minutes(2, 10));
        } else {
            infusedMl += deltaMl;
            vtbiMl -= deltaMl;
            if (random.nextDouble() < PAUSE_PROBABILITY) {
                enter(PumpState.PAUSED, minutes(0.5, 3));
            }
        }
    }

    private void startInfusion() {
        infusionCount++;
        infusionId = "inf-" + identity.deviceId() + "-" + infusionCount;
        rateMlPerHr = RATES_ML_PER_HR[random.nextInt(RATES_ML_PER_HR.length)];
        vtbiMl = VTBI_ML[random.nextInt(VTBI_ML.length)];
        infusedMl = 0;
        state = PumpState.RUNNING;
        stateRemainingMillis = 0;
    }

    /** Downstream pressure rises with flow; near zero without flow. Plausible, not from a pump spec. */
    private double targetPressureMmHg() {
        return switch (state) {
            case RUNNING -> occluding ? OCCLUSION_ALARM_MMHG + 100 : 40 + 0.15 * rateMlPerHr;
            case KVO -> 20;
            case PAUSED, STOPPED -> 5;
        };
    }

    private void updatePower(double dtHours) {
        if (forcedDrainPctPerHr > 0) {
            batteryPct = Math.max(0, batteryPct - forcedDrainPctPerHr * dtHours);
        } else if (onMains) {
            batteryPct = Math.min(100, batteryPct + CHARGE_PCT_PER_HR * dtHours);
            if (random.nextDouble() < UNPLUG_PROBABILITY) {
                onMains = false;
            }
        } else {
            batteryPct = Math.max(0, batteryPct - DRAIN_PCT_PER_HR * dtHours);
            if (batteryPct < 60 && random.nextDouble() < BATTERY_SWAP_PROBABILITY) {
                batteryPct = uniform(random, 90, 100); // a charged battery swapped in; still unplugged
            } else if (batteryPct < REPLUG_BELOW_PCT || random.nextDouble() < REPLUG_PROBABILITY) {
                onMains = true;
            }
        }
    }

    /** Mostly no air; sometimes a few microlitres, well below typical air-in-line alarm limits. */
    private Double airInLineUl() {
        return random.nextDouble() < 0.01 ? round(uniform(random, 1, 20), 1) : 0.0;
    }

    private void enter(PumpState next, long durationMillis) {
        state = next;
        stateRemainingMillis = durationMillis;
    }

    private boolean countDown(long dtMillis) {
        stateRemainingMillis -= dtMillis;
        return stateRemainingMillis <= 0;
    }

    private long minutes(double min, double max) {
        return (long) (uniform(random, min, max) * 60_000);
    }
}
