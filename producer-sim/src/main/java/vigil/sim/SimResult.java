package vigil.sim;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import vigil.sim.publish.SinkStats;

/**
 * Outcome of a finished {@link Simulation}.
 *
 * @param recordsGenerated records the devices produced and handed to the sink
 * @param recordsSent      records the sink acknowledged (Kinesis: PutRecords success)
 * @param lastSeqByDevice  last seq handed to the sink per device id, sorted by id; devices that sent nothing are
 *                         absent. Equals the last delivered seq when {@link #complete()} is true
 * @param elapsed          wall time from start to the end of the final flush
 * @param sinkStats        the sink's counters at the end
 * @param failure          why the run ended early or could not deliver everything, or {@code null}
 */
public record SimResult(
        long recordsGenerated,
        long recordsSent,
        Map<String, Long> lastSeqByDevice,
        Duration elapsed,
        SinkStats sinkStats,
        Throwable failure) {

    public SimResult {
        lastSeqByDevice = Collections.unmodifiableMap(new TreeMap<>(lastSeqByDevice));
    }

    /** True when every generated record was delivered and nothing failed. */
    public boolean complete() {
        return failure == null && recordsSent == recordsGenerated;
    }
}
