package vigil.sim.publish;

/**
 * One submitted record waiting in a {@link DeviceQueue}. Immutable; the data array is owned by the publisher.
 *
 * @param data             the encoded record
 * @param sizeBytes        data plus partition key, as Kinesis counts them
 * @param submittedAtNanos System.nanoTime() at submit, for the submit-to-acknowledgement latency
 */
record PendingRecord(byte[] data, int sizeBytes, long submittedAtNanos) {}
