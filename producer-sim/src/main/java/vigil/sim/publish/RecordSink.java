package vigil.sim.publish;

import java.time.Duration;

/**
 * Destination of encoded telemetry records. Records with the same partition key must reach the destination in
 * submission order, and none may be lost silently: a record that cannot be delivered shows up in
 * {@link SinkStats#undelivered()} and makes {@link #flush} throw.
 *
 * <p>A later fault-injection layer can wrap a sink (delay, duplicate, reorder on purpose) without touching the
 * devices or the driver.
 *
 * <p><b>Threading contract.</b> Implementations are safe for concurrent use; {@link #stats()} may be called from
 * any thread at any time (e.g. by a progress reporter).
 */
public interface RecordSink extends AutoCloseable {

    /**
     * Hands over one record. May block while the sink is full (back pressure).
     *
     * @param partitionKey the device id; orders records per key
     * @param data         the encoded record; the sink keeps the array, the caller must not modify it
     * @throws RecordTooLargeException when the record can never be delivered
     * @throws PublishFailedException  when the sink has failed for good
     * @throws InterruptedException    when interrupted while waiting for space
     */
    void submit(String partitionKey, byte[] data) throws InterruptedException;

    /**
     * Hands over one record with the time it is sent on the simulation's clock (the "arrival" a file may record for
     * the replay; docs/scenarios.md, "Replay"). Sinks that do not record it (Kinesis sets its own arrival time)
     * ignore it.
     *
     * @param sentMillis epoch millis on the simulation's clock when the collector sends the record
     */
    default void submit(String partitionKey, byte[] data, long sentMillis) throws InterruptedException {
        submit(partitionKey, data);
    }

    /**
     * Waits until every record submitted so far is delivered.
     *
     * @return true when all are delivered, false when {@code timeout} passed first
     * @throws PublishFailedException when the sink has failed and some records will never be delivered
     */
    boolean flush(Duration timeout) throws InterruptedException;

    /** A consistent snapshot of the counters. */
    SinkStats stats();

    /** Flushes for a bounded time, then releases threads and files. Records still queued are counted undelivered. */
    @Override
    void close();
}
