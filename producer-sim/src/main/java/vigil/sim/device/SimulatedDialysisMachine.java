package vigil.sim.device;

import static vigil.sim.device.Noise.clamp;
import static vigil.sim.device.Noise.follow;
import static vigil.sim.device.Noise.round;
import static vigil.sim.device.Noise.uniform;

import java.util.Objects;
import java.util.SplittableRandom;
import vigil.telemetry.DeviceType;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;

/**
 * A haemodialysis machine cycling through {@code prep -> treatment -> rinse -> disinfect -> idle -> prep}. During a
 * treatment the blood and dialysate pumps run at prescribed flows, pressures follow the flows, ultrafiltration
 * volume grows linearly towards its goal over the planned time, and acid concentrate is consumed in proportion to
 * dialysate flow. The two conductivity cells and the two temperature sensors read the same fluid and stay within a
 * few hundredths of each other. Filter and operating hours grow whenever the machine is not idle.
 *
 * <p>Values are plausible, not clinical guidance; every value stays inside the telemetry-v1 ranges. Not
 * thread-safe (see {@link SimulatedDevice}).
 */
public final class SimulatedDialysisMachine implements SimulatedDevice {
    /** Acid proportioning of a 1+34 concentrate: acid flow = dialysate flow / 35. */
    private static final double ACID_DILUTION = 35;
    /** A new canister is fitted at prep when less than this is left. */
    private static final double ACID_REFILL_BELOW_ML = 2_000;
    /**
     * At prep the nurse also fits a new canister when the one in place does not hold the treatment's acid (prep and
     * planned time at the prescribed flow) with this margin: a machine should not run short mid-treatment
     * (alerts-v1 CONCENTRATE_LOW); the concentrate-low scenario shortens the acid on purpose.
     */
    private static final double ACID_MARGIN = 1.15;
    private static final double PREP_AND_SLACK_MIN = 20;
    /** Time constant of flows, pressures and temperatures following their set points. */
    private static final double TAU_MILLIS = 20_000;

    private final DeviceIdentity identity;
    private final SplittableRandom random;

    private long nextSeq;
    private long lastTimeMillis = Long.MIN_VALUE; // MIN_VALUE: no record yet
    private DialysisState state;
    private long stateRemainingMillis; // time left in prep, rinse, disinfect, idle

    // prescription of the current (or last) treatment
    private double bloodFlowSetMlPerMin;
    private double dialysateFlowSetMlPerMin;
    private double ufGoalMl;
    private double plannedMin;
    private double conductivitySetMsCm;
    private double temperatureSetC;

    // progress and consumables
    private double elapsedMin;
    private double ufVolumeMl;
    private double acidRemainingMl;
    private double filterHours;
    private double operatingHours;

    // measured values, following their set points
    private double bloodFlowMlPerMin;
    private double dialysateFlowMlPerMin;
    private double arterialMmHg;
    private double venousMmHg;
    private double tmpMmHg;
    private double conductivityMsCm;
    private double temperatureC;

    // scenario faults of the primary sensors (the reference sensors stay true); driver thread only
    private double conductivityErrorMsCm;
    private double temperatureErrorC;

    /** Written by the settings poller, read once per record by the driver; {@code null} until settings arrive. */
    private volatile DeviceCalibration calibration;

    /**
     * @param identity envelope fields; its type must be {@link DeviceType#DIALYSIS}
     * @param seed     simulation seed; the device derives its own stream from it and its id
     * @param startSeq seq of the first record, {@code >= 0}
     */
    public SimulatedDialysisMachine(DeviceIdentity identity, long seed, long startSeq) {
        this.identity = Objects.requireNonNull(identity, "identity");
        if (identity.deviceType() != DeviceType.DIALYSIS) {
            throw new IllegalArgumentException("a dialysis machine needs deviceType dialysis");
        }
        this.random = new SplittableRandom(Noise.deviceSeed(seed, identity.deviceId()));
        this.nextSeq = startSeq;
        acidRemainingMl = uniform(random, 3_000, 8_000);
        // A maintained fleet replaces ultrafilters at their limit (alerts-v1 FILTER_LIFE: 900 h by default), so
        // machines start below the LOW band (850 h); the filter-life scenario drives one past it on purpose.
        filterHours = round(uniform(random, 0, 800), 0);
        operatingHours = round(uniform(random, 5_000, 30_000), 0);
        prescribe();
        // Most machines join mid-treatment, a few in prep.
        if (random.nextDouble() < 0.1) {
            enter(DialysisState.PREP, minutes(5, 15));
        } else {
            state = DialysisState.TREATMENT;
            elapsedMin = plannedMin * random.nextDouble() * 0.8;
            ufVolumeMl = ufGoalMl * elapsedMin / plannedMin;
            acidRemainingMl = Math.max(0, acidRemainingMl - dialysateFlowSetMlPerMin / ACID_DILUTION * elapsedMin);
            // joined mid-treatment: the canister was sized for the treatment at its start
            acidRemainingMl = Math.max(acidRemainingMl, acidNeededMl(plannedMin - elapsedMin));
        }
        bloodFlowMlPerMin = bloodFlowTarget();
        dialysateFlowMlPerMin = dialysateFlowTarget();
        arterialMmHg = arterialTarget();
        venousMmHg = venousTarget();
        tmpMmHg = tmpTarget();
        conductivityMsCm = conductivityTarget();
        temperatureC = temperatureTarget();
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

    /** Fault: the primary conductivity cell reads {@code errorMsCm} high (negative: low); 0 ends the fault. */
    public void setConductivityErrorMsCm(double errorMsCm) {
        conductivityErrorMsCm = errorMsCm;
    }

    /** Fault: the primary temperature sensor reads {@code errorC} high (negative: low); 0 ends the fault. */
    public void setTemperatureErrorC(double errorC) {
        temperatureErrorC = errorC;
    }

    /**
     * Event: a new treatment starts now (new prescription, a fresh canister if the old one is low), already
     * {@code elapsedMin} minutes in.
     */
    public void startTreatment(double elapsedMinutes) {
        prescribe();
        state = DialysisState.TREATMENT;
        elapsedMin = Math.min(plannedMin - 30, Math.max(0, elapsedMinutes));
        ufVolumeMl = ufGoalMl * elapsedMin / plannedMin;
    }

    /** Event: the acid canister holds only {@code ml}. */
    public void setAcidRemainingMl(double ml) {
        acidRemainingMl = clamp(ml, 0, 20_000);
    }

    /**
     * Event: the acid canister holds enough for the treatment's remaining time minus {@code minutesShort} at the
     * current dialysate flow (at least 5 minutes' worth). Outside treatment, nothing changes.
     */
    public void shortenAcidBy(double minutesShort) {
        if (state == DialysisState.TREATMENT) {
            double consumptionMlPerMin = dialysateFlowSetMlPerMin / ACID_DILUTION;
            acidRemainingMl = consumptionMlPerMin * Math.max(5, plannedMin - elapsedMin - minutesShort);
        }
    }

    /** Event: the dialysate ultrafilter has run {@code hours} since replacement. */
    public void setFilterHours(double hours) {
        filterHours = clamp(hours, 0, 100_000);
    }

    @Override
    public DialysisRecord next(long deviceTimeMillis) {
        long dtMillis = lastTimeMillis == Long.MIN_VALUE ? 0 : Math.max(0, deviceTimeMillis - lastTimeMillis);
        lastTimeMillis = Math.max(lastTimeMillis, deviceTimeMillis);
        DeviceCalibration applied = calibration; // one volatile load per record
        advance(dtMillis);
        // The reference cell and sensor read the same fluid: a small independent error, no drift.
        double conductivityRef = clamp(conductivityMsCm + 0.03 * random.nextGaussian(), 0, 25);
        double temperatureRef = clamp(temperatureC + 0.05 * random.nextGaussian(), 20, 45);
        // The primary sensors carry the fault, corrected by the applied calibration offset.
        double conductivity = conductivityMsCm + conductivityErrorMsCm
                + (applied == null ? 0 : applied.conductivityOffsetMsCm());
        double temperature = temperatureC + temperatureErrorC + (applied == null ? 0 : applied.temperatureOffsetC());
        DialysisMetrics metrics = new DialysisMetrics(
                state,
                round(bloodFlowMlPerMin, 0),
                round(dialysateFlowMlPerMin, 0),
                round(arterialMmHg, 0),
                round(venousMmHg, 0),
                round(tmpMmHg, 0),
                round(clamp(conductivity, 0, 25), 2),
                round(conductivityRef, 2),
                round(clamp(temperature, 20, 45), 2),
                round(temperatureRef, 2),
                round(ufVolumeMl, 0),
                round(ufGoalMl, 0),
                round(acidRemainingMl, 0),
                round(elapsedMin, 1),
                round(plannedMin, 0),
                round(filterHours, 2),
                round(operatingHours, 1),
                Boolean.FALSE);
        return new DialysisRecord(identity.envelope(nextSeq++, deviceTimeMillis, applied), metrics);
    }

    private void advance(long dtMillis) {
        double dtMin = dtMillis / 60_000.0;
        if (state != DialysisState.IDLE) {
            filterHours = Math.min(100_000, filterHours + dtMin / 60);
            operatingHours = Math.min(1_000_000, operatingHours + dtMin / 60);
        }
        if (state != DialysisState.IDLE) {
            acidRemainingMl = Math.max(0, acidRemainingMl - dialysateFlowMlPerMin / ACID_DILUTION * dtMin);
        }
        switch (state) {
            case TREATMENT -> {
                elapsedMin = Math.min(plannedMin, elapsedMin + dtMin);
                ufVolumeMl = Math.min(ufGoalMl, ufVolumeMl + ufGoalMl / plannedMin * dtMin);
                if (elapsedMin >= plannedMin) {
                    enter(DialysisState.RINSE, minutes(8, 15));
                }
            }
            case RINSE -> {
                if (countDown(dtMillis)) {
                    enter(DialysisState.DISINFECT, minutes(20, 40));
                }
            }
            case DISINFECT -> {
                if (countDown(dtMillis)) {
                    enter(DialysisState.IDLE, minutes(10, 60));
                }
            }
            case IDLE -> {
                if (countDown(dtMillis)) {
                    prescribe();
                    enter(DialysisState.PREP, minutes(10, 20));
                }
            }
            case PREP -> {
                if (countDown(dtMillis)) {
                    state = DialysisState.TREATMENT;
                }
            }
        }
        bloodFlowMlPerMin = clamp(follow(random, bloodFlowMlPerMin, bloodFlowTarget(), dtMillis, TAU_MILLIS, 2), 0, 700);
        dialysateFlowMlPerMin =
                clamp(follow(random, dialysateFlowMlPerMin, dialysateFlowTarget(), dtMillis, TAU_MILLIS, 2), 0, 1000);
        arterialMmHg = clamp(follow(random, arterialMmHg, arterialTarget(), dtMillis, TAU_MILLIS, 3), -500, 300);
        venousMmHg = clamp(follow(random, venousMmHg, venousTarget(), dtMillis, TAU_MILLIS, 3), -200, 600);
        tmpMmHg = clamp(follow(random, tmpMmHg, tmpTarget(), dtMillis, TAU_MILLIS, 3), -200, 700);
        conductivityMsCm =
                clamp(follow(random, conductivityMsCm, conductivityTarget(), dtMillis, TAU_MILLIS, 0.02), 0, 25);
        temperatureC = clamp(follow(random, temperatureC, temperatureTarget(), dtMillis, TAU_MILLIS, 0.03), 20, 45);
    }

    /** A new treatment's prescription; progress restarts from zero and a low acid canister is replaced. */
    private void prescribe() {
        bloodFlowSetMlPerMin = round(uniform(random, 250, 450), -1);
        dialysateFlowSetMlPerMin = random.nextBoolean() ? 500 : round(uniform(random, 300, 800), -1);
        plannedMin = 30 * (6 + random.nextInt(5)); // 3 to 5 hours
        ufGoalMl = round(uniform(random, 500, 4_000), -2);
        conductivitySetMsCm = uniform(random, 13.6, 14.4);
        temperatureSetC = uniform(random, 36.0, 37.0);
        elapsedMin = 0;
        ufVolumeMl = 0;
        if (acidRemainingMl < ACID_REFILL_BELOW_ML || acidRemainingMl < acidNeededMl(plannedMin)) {
            acidRemainingMl = Math.max(uniform(random, 6_000, 8_000), acidNeededMl(plannedMin) + 500);
        }
    }

    /** Acid a treatment of {@code minutes} (plus prep and slack) takes at the prescribed flow, with the margin. */
    private double acidNeededMl(double minutes) {
        return (minutes + PREP_AND_SLACK_MIN) * dialysateFlowSetMlPerMin / ACID_DILUTION * ACID_MARGIN;
    }

    private double bloodFlowTarget() {
        return switch (state) {
            case TREATMENT -> bloodFlowSetMlPerMin;
            case RINSE -> 100; // returning blood to the patient at a low rate
            default -> 0;
        };
    }

    private double dialysateFlowTarget() {
        return state == DialysisState.IDLE ? 0 : (state == DialysisState.TREATMENT ? dialysateFlowSetMlPerMin : 500);
    }

    /** Pre-pump arterial pressure is negative and deepens with blood flow. */
    private double arterialTarget() {
        return -10 - 0.5 * bloodFlowTarget();
    }

    private double venousTarget() {
        return 5 + 0.4 * bloodFlowTarget();
    }

    /** TMP rises with the ultrafiltration rate during treatment. */
    private double tmpTarget() {
        if (state != DialysisState.TREATMENT) {
            return 5;
        }
        double ufRateMlPerHr = ufGoalMl / plannedMin * 60;
        return 40 + 0.08 * ufRateMlPerHr;
    }

    private double conductivityTarget() {
        return state == DialysisState.IDLE ? 0.5 : conductivitySetMsCm;
    }

    private double temperatureTarget() {
        return switch (state) {
            case IDLE -> 25;
            case DISINFECT -> 40; // chemical disinfection in this model; heat disinfection would exceed the range
            default -> temperatureSetC;
        };
    }

    private void enter(DialysisState next, long durationMillis) {
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
