package vigil.sim.publish;

/**
 * Counters of a {@link RecordSink}, one consistent snapshot.
 *
 * @param submitted      records accepted by {@code submit}
 * @param sent           records the destination acknowledged
 * @param transportRecords units the destination stored them in: Kinesis records (one aggregate holds many records)
 *                       or lines of a file; equals {@code sent} without aggregation
 * @param retriedEntries record sends that failed and were queued again (partial failures and failed calls)
 * @param failedCalls    whole calls that failed (throttling, 5xx, I/O), retried or not
 * @param queued         records submitted and not yet acknowledged, including those in flight
 * @param undelivered    records given up on; non-zero only after a failure
 * @param latencyP50Micros median time from submit to acknowledgement, microseconds (0 when nothing sent)
 * @param latencyP99Micros 99th percentile of the same
 * @param latencyMaxMicros maximum of the same
 */
public record SinkStats(
        long submitted,
        long sent,
        long transportRecords,
        long retriedEntries,
        long failedCalls,
        long queued,
        long undelivered,
        long latencyP50Micros,
        long latencyP99Micros,
        long latencyMaxMicros) {}
