package vigil.consumer.state;

import vigil.consumer.rules.Acknowledgement;

/**
 * Where an {@link EffectsWriter} hands an acknowledgement it found in the store but the alert engine did not know of
 * (the consumer half of the acknowledgement contract in {@code vigil.schema.AlertAttributes}).
 *
 * <p><b>Threading contract.</b> Called only on the thread that called {@link EffectsWriter#writeDurably}, inside that
 * call, so the shard processor's single-writer engine may be touched from here.
 */
@FunctionalInterface
public interface AcknowledgementSink {
    /** Applies nothing: the writer then merges the acknowledgement into the item it writes. */
    AcknowledgementSink NONE = ack -> PendingEffects.NONE;

    /**
     * Applies the acknowledgement to the engine and returns the effects that follow from it (the alert's new state
     * and its device's snapshot), which the writer writes in place of the refused alert write. Effects without a
     * transition of the acknowledged alert mean the engine could not apply it (for example the alert is already
     * cleared there).
     */
    PendingEffects apply(Acknowledgement ack);
}
