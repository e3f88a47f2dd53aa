package vigil.consumer.metrics;

import java.util.HashSet;
import java.util.Set;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.state.EffectsNotDurableException;
import vigil.consumer.state.EffectsWriter;
import vigil.consumer.state.PendingEffects;

/**
 * Measures an {@link EffectsWriter} from outside: the duration of each {@code writeDurably} call
 * ({@code vigil.dynamodb.write.duration}), alert items written, failures, and durable alert transitions by type and
 * priority. Device-state and quarantine item counts are counted by the DynamoDB writer itself. The decorated writer is
 * unchanged.
 *
 * <p><b>Threading contract.</b> As thread-safe as the delegate; the meters are thread-safe.
 */
public final class MeteredEffectsWriter implements EffectsWriter {
    private final EffectsWriter delegate;
    private final ConsumerMeters meters;

    public MeteredEffectsWriter(EffectsWriter delegate, ConsumerMeters meters) {
        this.delegate = delegate;
        this.meters = meters;
    }

    @Override
    public void writeDurably(PendingEffects effects) throws EffectsNotDurableException {
        long start = System.nanoTime();
        try {
            delegate.writeDurably(effects);
        } catch (EffectsNotDurableException | RuntimeException e) {
            meters.writeFailed();
            throw e;
        } finally {
            meters.writeDuration(System.nanoTime() - start);
        }
        Set<String> alertIds = new HashSet<>(); // the writer puts one item per alert changed in the batch
        for (AlertTransition t : effects.alerts()) {
            alertIds.add(t.alertId());
            meters.alertTransition(t);
        }
        meters.alertsWritten(alertIds.size());
    }
}
