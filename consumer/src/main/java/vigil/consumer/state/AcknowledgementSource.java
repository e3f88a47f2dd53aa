package vigil.consumer.state;

import java.util.Collection;
import java.util.List;
import vigil.consumer.rules.Acknowledgement;

/**
 * Reads acknowledgements made in the API for alerts the engine holds open and unacknowledged, so a shard learns of
 * them without waiting for its next write of the alert (which would otherwise be the first to find them).
 *
 * <p><b>Threading contract.</b> Thread-safe; shared by every shard processor of a worker.
 */
public interface AcknowledgementSource {
    AcknowledgementSource NONE = alertIds -> List.of();

    /**
     * The stored acknowledgements of the given alerts (those that have one).
     *
     * @throws RuntimeException when the store cannot be read; the caller tries again at its next poll
     */
    List<Acknowledgement> acknowledgementsOf(Collection<String> alertIds);

    /**
     * The acknowledgements as stored now, read from the store (a shard's first poll after it starts: those made
     * before a feed-based source began following). By default the same as {@link #acknowledgementsOf}.
     *
     * @throws RuntimeException when the store cannot be read; the caller tries again at its next poll
     */
    default List<Acknowledgement> readStored(Collection<String> alertIds) {
        return acknowledgementsOf(alertIds);
    }
}
