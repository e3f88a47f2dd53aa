package vigil.consumer.state;

/**
 * Makes a batch's effects durable. Writes must be idempotent: KCL redelivers records after a failover, and the
 * same effects are then written again.
 */
public interface EffectsWriter {

    /**
     * Writes every effect and returns only when all are durable.
     *
     * @throws EffectsNotDurableException when the effects could not be made durable (for example the thread was
     *     interrupted while retrying); the caller must then never checkpoint past these records
     */
    void writeDurably(PendingEffects effects) throws EffectsNotDurableException;
}
