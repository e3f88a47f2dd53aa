package vigil.consumer.recovery;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Reads the recovery journal a new owner of a shard restores: the stored chunks of every device whose hash key
 * lies in the shard's hash key range. After a split or merge the child's range selects exactly its devices from
 * the parents'. Reads only those devices' items, never the whole fleet's.
 */
public interface RecoveryStore {
    /** No journal: every shard starts empty (unit tests, the offline replay). */
    RecoveryStore NONE = (start, end) -> Map.of();

    /**
     * The stored chunks (every slot, in no order) of each device whose hash key is in {@code [startHashKey,
     * endHashKey]}, by device id; {@link JournalChain#select} picks the chain to replay.
     *
     * @throws JournalUnavailableException when they could not be read (the caller must not process the shard)
     */
    Map<String, List<byte[]>> chunksInRange(BigInteger startHashKey, BigInteger endHashKey)
            throws JournalUnavailableException;
}
