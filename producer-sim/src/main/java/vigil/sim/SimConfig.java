package vigil.sim;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import vigil.telemetry.Ids;

/**
 * What to simulate and for how long. Where the records go is the {@code RecordSink} given to {@link Simulation}.
 *
 * @param pumps            infusion pumps, {@code PUMP-0001..}
 * @param dialysisMachines dialysis machines, {@code DIAL-0001..}
 * @param recordsPerSecond total send rate over all devices; each device sends every {@code devices / rate} seconds
 * @param duration         stop after this long, or {@code null} for no time limit
 * @param maxRecords       stop after this many records, or 0 for no count limit
 * @param seed             seed of every device model; same seed and config give the same records for the same ts
 * @param careUnits        care units the devices are spread over (round robin); empty: no {@code careUnit} field
 * @param collectorId      {@code collectorId} on every record, or {@code null}
 * @param startSeq         seq of each device's first record; raise it to continue after an earlier run
 * @param flushTimeout     how long the end of a run waits for the sink to deliver what is queued
 * @param catchUp          backlog to start with: the first record's device time is this long before the start,
 *                         and the records due in that stretch (at {@code recordsPerSecond}) are sent as fast as the
 *                         sink takes them; then the run continues in real time. {@link Duration#ZERO}: none.
 *                         Used to fill the consumer's 10-minute windows before a benchmark measures. Per device the
 *                         timestamps still rise, so no record is late; none is in the future
 */
public record SimConfig(
        int pumps,
        int dialysisMachines,
        double recordsPerSecond,
        Duration duration,
        long maxRecords,
        long seed,
        List<String> careUnits,
        String collectorId,
        long startSeq,
        Duration flushTimeout,
        Duration catchUp) {

    public static final List<String> DEFAULT_CARE_UNITS = List.of("ICU-4A", "WARD-3B", "DIALYSIS-2");
    public static final String DEFAULT_COLLECTOR_ID = "SIM-EDGE-01";
    /** telemetry-v1: {@code seq < 2^53}. */
    public static final long MAX_SEQ = (1L << 53) - 1;
    public static final int MAX_DEVICES = 100_000;
    /** Longest backlog: a day (Kinesis' default retention), far more than the 10-minute windows need. */
    public static final Duration MAX_CATCH_UP = Duration.ofHours(24);

    public SimConfig {
        if (pumps < 0 || dialysisMachines < 0 || pumps + dialysisMachines < 1) {
            throw new IllegalArgumentException("need at least one device; counts must be >= 0");
        }
        if (pumps + dialysisMachines > MAX_DEVICES) {
            throw new IllegalArgumentException("at most " + MAX_DEVICES + " devices");
        }
        if (!(recordsPerSecond > 0) || recordsPerSecond > 1_000_000) {
            throw new IllegalArgumentException("recordsPerSecond must be > 0 and <= 1000000, was " + recordsPerSecond);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration must be positive or null, was " + duration);
        }
        if (maxRecords < 0) {
            throw new IllegalArgumentException("maxRecords must be >= 0 (0: no limit), was " + maxRecords);
        }
        careUnits = List.copyOf(Objects.requireNonNull(careUnits, "careUnits"));
        for (String unit : careUnits) {
            if (!Ids.isCareUnit(unit)) {
                throw new IllegalArgumentException("care unit must match [A-Za-z0-9._-]{1,32}: '" + unit + "'");
            }
        }
        if (collectorId != null && (collectorId.isEmpty() || collectorId.length() > 64)) {
            throw new IllegalArgumentException("collectorId must be 1..64 characters");
        }
        if (startSeq < 0 || startSeq > MAX_SEQ) {
            throw new IllegalArgumentException("startSeq must be 0..2^53-1, was " + startSeq);
        }
        if (flushTimeout == null || flushTimeout.isNegative()) {
            throw new IllegalArgumentException("flushTimeout must be >= 0");
        }
        if (catchUp == null || catchUp.isNegative() || catchUp.compareTo(MAX_CATCH_UP) > 0) {
            throw new IllegalArgumentException("catchUp must be 0.." + MAX_CATCH_UP + ", was " + catchUp);
        }
    }

    /** 8 pumps, 4 dialysis machines, 20 records/s, 60 s, seed 1, the default care units, seq from 0. */
    public static SimConfig defaults() {
        return new SimConfig(8, 4, 20, Duration.ofSeconds(60), 0, 1L, DEFAULT_CARE_UNITS, DEFAULT_COLLECTOR_ID, 0,
                Duration.ofSeconds(30), Duration.ZERO);
    }

    public int deviceCount() {
        return pumps + dialysisMachines;
    }

    public SimConfig withDevices(int pumpCount, int dialysisCount) {
        return new SimConfig(pumpCount, dialysisCount, recordsPerSecond, duration, maxRecords, seed, careUnits,
                collectorId, startSeq, flushTimeout, catchUp);
    }

    public SimConfig withRecordsPerSecond(double rate) {
        return new SimConfig(pumps, dialysisMachines, rate, duration, maxRecords, seed, careUnits, collectorId,
                startSeq, flushTimeout, catchUp);
    }

    /** Stop condition: {@code null} duration and 0 records run until {@link Simulation#stop()}. */
    public SimConfig withLimits(Duration maxDuration, long maxRecordCount) {
        return new SimConfig(pumps, dialysisMachines, recordsPerSecond, maxDuration, maxRecordCount, seed, careUnits,
                collectorId, startSeq, flushTimeout, catchUp);
    }

    public SimConfig withSeed(long newSeed) {
        return new SimConfig(pumps, dialysisMachines, recordsPerSecond, duration, maxRecords, newSeed, careUnits,
                collectorId, startSeq, flushTimeout, catchUp);
    }

    public SimConfig withCareUnits(List<String> units) {
        return new SimConfig(pumps, dialysisMachines, recordsPerSecond, duration, maxRecords, seed, units,
                collectorId, startSeq, flushTimeout, catchUp);
    }

    public SimConfig withCollectorId(String id) {
        return new SimConfig(pumps, dialysisMachines, recordsPerSecond, duration, maxRecords, seed, careUnits, id,
                startSeq, flushTimeout, catchUp);
    }

    public SimConfig withStartSeq(long seq) {
        return new SimConfig(pumps, dialysisMachines, recordsPerSecond, duration, maxRecords, seed, careUnits,
                collectorId, seq, flushTimeout, catchUp);
    }

    public SimConfig withFlushTimeout(Duration timeout) {
        return new SimConfig(pumps, dialysisMachines, recordsPerSecond, duration, maxRecords, seed, careUnits,
                collectorId, startSeq, timeout, catchUp);
    }

    /** Starts with a backlog of {@code backlog} of device time, sent as fast as the sink takes it. */
    public SimConfig withCatchUp(Duration backlog) {
        return new SimConfig(pumps, dialysisMachines, recordsPerSecond, duration, maxRecords, seed, careUnits,
                collectorId, startSeq, flushTimeout, backlog);
    }
}
