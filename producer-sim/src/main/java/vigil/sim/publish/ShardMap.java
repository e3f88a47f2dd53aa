package vigil.sim.publish;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The open shards of a stream and their hash key ranges, so that an aggregating publisher can pack into one Kinesis
 * record only user records that KCL will keep: KCL drops a whole aggregate, every user record in it, when one of its
 * user records has a hash key outside the range of the shard that received it. A Kinesis record goes to the open shard whose range holds the MD5 of its
 * partition key read as an unsigned 128-bit number.
 *
 * <p>The map goes stale when the stream is resharded; the publisher notices (PutRecords answers with another shard
 * than expected) and calls {@link #refresh}.
 *
 * <p><b>Threading contract.</b> Any thread. {@link #current} reads a volatile reference to an immutable
 * {@link Snapshot}; {@link #refresh} is synchronized and replaces it with a newer version.
 */
public final class ShardMap {
    /** A shard and its range. Hash keys are inclusive. */
    public record ShardRange(String shardId, BigInteger startingHashKey, BigInteger endingHashKey) {
        boolean contains(BigInteger hashKey) {
            return startingHashKey.compareTo(hashKey) <= 0 && hashKey.compareTo(endingHashKey) <= 0;
        }
    }

    /**
     * One listing. {@code open}: the open shards sorted by starting hash key, for routing; {@code all}: every listed
     * shard, closed ones included, to look up the range of a shard that a record went to. {@code version} grows with
     * every refresh.
     */
    public record Snapshot(long version, List<ShardRange> open, Map<String, ShardRange> all) {
        /** The shard whose range holds {@code hashKey}. */
        public String shardOf(BigInteger hashKey) {
            int low = 0;
            int high = open.size() - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                ShardRange s = open.get(mid);
                if (s.endingHashKey().compareTo(hashKey) < 0) {
                    low = mid + 1;
                } else if (s.startingHashKey().compareTo(hashKey) > 0) {
                    high = mid - 1;
                } else {
                    return s.shardId();
                }
            }
            // open shards cover the whole key space; a gap means a listing taken in the middle of a reshard
            throw new IllegalStateException("no open shard holds hash key " + hashKey);
        }

        /** The shard with this id, open or closed, if it is in this listing. */
        public Optional<ShardRange> shard(String shardId) {
            return Optional.ofNullable(all.get(shardId));
        }
    }

    private final KinesisClient client;
    private final String streamName;
    private volatile Snapshot current; // immutable; replaced by refresh

    private ShardMap(KinesisClient client, String streamName) {
        this.client = client;
        this.streamName = streamName;
    }

    /**
     * Lists the stream's shards once.
     *
     * @throws software.amazon.awssdk.core.exception.SdkException when the stream cannot be listed (e.g. it does not
     *                                                               exist), after the client's own retries
     */
    public static ShardMap load(KinesisClient client, String streamName) {
        ShardMap map = new ShardMap(Objects.requireNonNull(client, "client"),
                Objects.requireNonNull(streamName, "streamName"));
        map.current = map.list(0);
        return map;
    }

    public Snapshot current() {
        return current;
    }

    /**
     * Lists the shards again unless someone already did since {@code seenVersion} was current.
     *
     * @return the newer snapshot
     * @throws software.amazon.awssdk.core.exception.SdkException when the listing fails; the old snapshot stays
     */
    public synchronized Snapshot refresh(long seenVersion) {
        if (current.version() == seenVersion) {
            current = list(seenVersion + 1);
        }
        return current;
    }

    /** MD5 of the partition key's UTF-8 bytes as an unsigned 128-bit number: how Kinesis routes a record. */
    public static BigInteger hashKeyOf(String partitionKey) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    /** Open shards tile 0 .. 2^128-1 without gap or overlap; anything else is a listing we must not route by. */
    private void checkCoversEveryHashKey(List<ShardRange> sorted) {
        BigInteger next = BigInteger.ZERO;
        for (ShardRange s : sorted) {
            if (!s.startingHashKey().equals(next)) {
                throw new IllegalStateException("the open shards of " + streamName + " do not tile the hash key"
                        + " space at " + next + " (a reshard in progress?)");
            }
            next = s.endingHashKey().add(BigInteger.ONE);
        }
        if (!next.equals(BigInteger.ONE.shiftLeft(128))) {
            throw new IllegalStateException("the open shards of " + streamName + " end at " + next.subtract(
                    BigInteger.ONE) + ", not at 2^128-1");
        }
    }

    private Snapshot list(long version) {
        List<ShardRange> open = new ArrayList<>();
        Map<String, ShardRange> all = new HashMap<>();
        String next = null;
        do {
            ListShardsRequest request = next == null
                    ? ListShardsRequest.builder().streamName(streamName).build()
                    : ListShardsRequest.builder().nextToken(next).build();
            ListShardsResponse page = client.listShards(request);
            for (Shard s : page.shards()) {
                ShardRange range = new ShardRange(s.shardId(), new BigInteger(s.hashKeyRange().startingHashKey()),
                        new BigInteger(s.hashKeyRange().endingHashKey()));
                all.put(s.shardId(), range);
                if (s.sequenceNumberRange().endingSequenceNumber() == null) { // closed parents have an end
                    open.add(range);
                }
            }
            next = page.nextToken();
        } while (next != null);
        if (open.isEmpty()) {
            throw new IllegalStateException("stream " + streamName + " lists no open shard");
        }
        open.sort(Comparator.comparing(ShardRange::startingHashKey));
        checkCoversEveryHashKey(open);
        return new Snapshot(version, List.copyOf(open), Map.copyOf(all));
    }
}
