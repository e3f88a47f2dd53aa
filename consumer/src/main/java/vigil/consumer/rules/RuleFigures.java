package vigil.consumer.rules;

import vigil.consumer.window.SingleWriterDialysisWindow;
import vigil.consumer.window.SingleWriterPumpWindow;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisState;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpState;

/**
 * The figures of alerts-v1.md, "Rules" and "Formulas", from a window's aggregates: O(1), no allocation. NaN means
 * not evaluable (span below the rule's min span, too few records, rate or consumption too small).
 */
final class RuleFigures {
    /** FLOW_ACCURACY_DRIFT min span: 5 min of running time. */
    static final long FLOW_MIN_SPAN_MILLIS = 300_000;
    /** FLOW_ACCURACY_DRIFT min span: and expectedMl >= 2. */
    static final double FLOW_MIN_EXPECTED_ML = 2.0;
    /** PRESSURE_SENSOR_OFFSET min span: 60 s. */
    static final long PRESSURE_MIN_SPAN_MILLIS = 60_000;
    /** CONDUCTIVITY_ and TEMPERATURE_SENSOR_DRIFT min span: 150 s. */
    static final long DIVERGENCE_MIN_SPAN_MILLIS = 150_000;
    /** INFUSION_NEAR_END: measured rate when span >= 60 s, else the programmed rate. */
    static final long NEAR_END_MEASURED_SPAN_MILLIS = 60_000;
    /** INFUSION_NEAR_END: not evaluable when the rate is below 0.1 mL/h. */
    static final double NEAR_END_MIN_RATE_ML_PER_HR = 0.1;
    /** BATTERY_DEPLETION min span (projection only): 3 min. */
    static final long BATTERY_MIN_SPAN_MILLIS = 180_000;
    /** BATTERY_DEPLETION: minutesLeft is unbounded unless drain > 0.01 %/min. */
    static final double BATTERY_MIN_DRAIN_PCT_PER_MIN = 0.01;
    /** CONCENTRATE_LOW min span: 3 min. */
    static final long ACID_MIN_SPAN_MILLIS = 180_000;
    /** CONCENTRATE_LOW: not evaluable when consumption <= 0.01 mL/min. */
    static final double ACID_MIN_CONSUMPTION_ML_PER_MIN = 0.01;

    private RuleFigures() {}

    /** errorPct = 100 x (deliveredMl - expectedMl) / expectedMl over the running pairs. */
    static double flowErrorPct(SingleWriterPumpWindow w) {
        double expected = w.flowExpectedMl();
        if (w.flowSpanMillis() < FLOW_MIN_SPAN_MILLIS || expected < FLOW_MIN_EXPECTED_ML) {
            return Double.NaN;
        }
        return 100.0 * (w.flowDeliveredMl() - expected) / expected;
    }

    /** mean(pressureMmHg) of the stopped/paused records of the last 2 min. */
    static double pressureOffsetMmHg(SingleWriterPumpWindow w) {
        return w.pressureSpanMillis() < PRESSURE_MIN_SPAN_MILLIS ? Double.NaN : w.pressureMeanMmHg();
    }

    /** vtbiMl(newest) / measured rate x 60; NaN when the newest record is not running or the rate is < 0.1 mL/h. */
    static double minutesToEmpty(SingleWriterPumpWindow w, PumpMetrics newest) {
        if (newest.state() != PumpState.RUNNING) {
            return Double.NaN;
        }
        long span = w.nearEndSpanMillis();
        double rateMlPerHr = span >= NEAR_END_MEASURED_SPAN_MILLIS
                ? w.nearEndInfusedDeltaMl() / span * 3_600_000.0
                : newest.rateMlPerHr();
        if (!(rateMlPerHr >= NEAR_END_MIN_RATE_ML_PER_HR)) {
            return Double.NaN;
        }
        return newest.vtbiMl() / rateMlPerHr * 60.0;
    }

    /**
     * batteryPct(newest) / drain; +Infinity when drain <= 0.01 %/min (unbounded); NaN below the 3 min span or on
     * mains.
     */
    static double batteryMinutesLeft(SingleWriterPumpWindow w, PumpMetrics newest) {
        if (newest.onMains() || w.batterySpanMillis() < BATTERY_MIN_SPAN_MILLIS) {
            return Double.NaN;
        }
        double drain = -w.batterySlopePctPerMinute();
        if (Double.isNaN(drain)) {
            return Double.NaN;
        }
        return drain > BATTERY_MIN_DRAIN_PCT_PER_MIN ? newest.batteryPct() / drain : Double.POSITIVE_INFINITY;
    }

    static double conductivityDivergenceMsCm(SingleWriterDialysisWindow w) {
        return w.divergenceSpanMillis() < DIVERGENCE_MIN_SPAN_MILLIS ? Double.NaN : w.conductivityDivergenceMeanMsCm();
    }

    static double temperatureDivergenceC(SingleWriterDialysisWindow w) {
        return w.divergenceSpanMillis() < DIVERGENCE_MIN_SPAN_MILLIS ? Double.NaN : w.temperatureDivergenceMeanC();
    }

    /** acidRemainingMl(newest) / consumption, consumption = -slope(acidRemainingMl) in mL/min. */
    static double acidMinutesLeft(SingleWriterDialysisWindow w, DialysisMetrics newest) {
        if (newest.state() != DialysisState.TREATMENT || w.acidSpanMillis() < ACID_MIN_SPAN_MILLIS) {
            return Double.NaN;
        }
        double consumption = -w.acidSlopeMlPerMinute();
        if (!(consumption > ACID_MIN_CONSUMPTION_ML_PER_MIN)) {
            return Double.NaN;
        }
        return newest.acidRemainingMl() / consumption;
    }

    /** limitHours - filterHours(newest). */
    static double filterHoursLeft(DialysisMetrics newest, Thresholds t) {
        return t.get(Threshold.FILTER_LIMIT_HOURS) - newest.filterHours();
    }
}
