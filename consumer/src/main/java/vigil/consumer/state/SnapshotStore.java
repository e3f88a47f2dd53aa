package vigil.consumer.state;

import java.math.BigInteger;
import java.util.List;

/**
 * Reads the device snapshots a new owner of a shard restores: those of every device whose hash key lies in the
 * shard's hash key range. After a split or merge the child's range selects exactly its devices from the parents'.
 */
public interface SnapshotStore {
    /** No snapshots: every shard starts empty (unit tests, the offline replay). */
    SnapshotStore NONE = (start, end) -> List.of();

    /**
     * The snapshots of the devices whose hash key is in {@code [startHashKey, endHashKey]}.
     *
     * @throws SnapshotsUnavailableException when they could not be read (the caller must not process the shard)
     */
    List<byte[]> snapshotsInRange(BigInteger startHashKey, BigInteger endHashKey) throws SnapshotsUnavailableException;
}
