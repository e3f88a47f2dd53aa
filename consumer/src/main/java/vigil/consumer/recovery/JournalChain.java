package vigil.consumer.recovery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks, among the chunks stored for one device, the chain a restore replays: the newest chunk, and the chunks its
 * {@code prevSeq} links name back to a base. Stale chunks in other slots (older chains, a previous owner's late
 * writes) are not part of it.
 *
 * <p>If the newest chunk's chain is broken (a link missing: never by our writer, which writes a chunk only after
 * the one before it is durable, and a chain never wraps its slots), the next newest chunk whose chain is whole is
 * taken, so a restore never mixes chains. Stateless.
 */
public final class JournalChain {
    private JournalChain() {}

    /**
     * The chain to replay, base first.
     *
     * @throws IOException when no stored chunk has a whole chain, or a chunk is unreadable
     */
    public static List<byte[]> select(List<byte[]> stored) throws IOException {
        Map<Long, byte[]> bySeq = new HashMap<>();
        Map<Long, RecoveryChunk.Head> heads = new HashMap<>();
        for (byte[] chunk : stored) {
            RecoveryChunk.Head head = RecoveryChunk.headOf(chunk);
            bySeq.put(head.chunkSeq(), chunk);
            heads.put(head.chunkSeq(), head);
        }
        List<RecoveryChunk.Head> newestFirst = new ArrayList<>(heads.values());
        newestFirst.sort(Comparator.comparingLong(RecoveryChunk.Head::chunkSeq).reversed());
        for (RecoveryChunk.Head newest : newestFirst) {
            List<byte[]> chain = chainFrom(newest, heads, bySeq);
            if (chain != null) {
                return chain;
            }
        }
        throw new IOException("no whole journal chain among " + stored.size() + " stored chunks");
    }

    private static List<byte[]> chainFrom(
            RecoveryChunk.Head newest, Map<Long, RecoveryChunk.Head> heads, Map<Long, byte[]> bySeq) {
        List<byte[]> chain = new ArrayList<>();
        RecoveryChunk.Head h = newest;
        while (true) {
            chain.add(bySeq.get(h.chunkSeq()));
            if (h.base()) {
                java.util.Collections.reverse(chain);
                return chain;
            }
            RecoveryChunk.Head previous = heads.get(h.prevSeq());
            if (previous == null || previous.chunkSeq() >= h.chunkSeq() || chain.size() > RecoveryChunk.SLOTS) {
                return null;
            }
            h = previous;
        }
    }
}
