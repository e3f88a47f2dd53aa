package vigil.consumer.kcl;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The hash key range of a shard, from ListShards (closed shards included, so a parent's range is known), cached;
 * a shard not in the cache triggers one more listing (a child shard after a split or merge).
 *
 * <p><b>Threading contract.</b> Any thread; the cache is a concurrent map.
 */
public final class HashRangeLookup {
    /** Inclusive range of hash keys. */
    public record HashRange(BigInteger start, BigInteger end) {}

    private final KinesisAsyncClient kinesis;
    private final String streamName;
    private final Map<String, HashRange> ranges = new ConcurrentHashMap<>();

    public HashRangeLookup(KinesisAsyncClient kinesis, String streamName) {
        this.kinesis = kinesis;
        this.streamName = streamName;
    }

    /** The shard's range, or empty when the stream does not list it. Blocks on one listing at most. */
    public Optional<HashRange> rangeOf(String shardId) {
        HashRange known = ranges.get(shardId);
        if (known != null) {
            return Optional.of(known);
        }
        String next = null;
        do {
            ListShardsRequest request = next == null
                    ? ListShardsRequest.builder().streamName(streamName).build()
                    : ListShardsRequest.builder().nextToken(next).build();
            ListShardsResponse page = kinesis.listShards(request).join();
            for (Shard s : page.shards()) {
                ranges.put(s.shardId(), new HashRange(new BigInteger(s.hashKeyRange().startingHashKey()),
                        new BigInteger(s.hashKeyRange().endingHashKey())));
            }
            next = page.nextToken();
        } while (next != null);
        return Optional.ofNullable(ranges.get(shardId));
    }
}
