package vigil.sim.publish;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The FIFO of one partition key (device) inside a {@link KinesisPublisher}, with its send state.
 *
 * <p><b>Threading contract.</b> Every field is guarded by the owning publisher's lock; nothing here is safe
 * without it.
 */
final class DeviceQueue {
    /** IDLE: empty. READY: head waits in the ready line. IN_FLIGHT: a prefix is in a running call. BACKOFF: waits. */
    enum State { IDLE, READY, IN_FLIGHT, BACKOFF }

    final String partitionKey;
    final int partitionKeyBytes; // UTF-8 length, counted against the Kinesis record and batch limits
    final ArrayDeque<PendingRecord> records = new ArrayDeque<>();
    State state = State.IDLE;
    int headAttempts; // failed sends of the current head
    long retryAtNanos; // System.nanoTime() at which BACKOFF ends

    private BigInteger hashKey; // MD5 of the partition key as an unsigned 128-bit number; computed once, on demand
    private String shardId; // open shard of hashKey in the shard map of version shardMapVersion
    private long shardMapVersion = -1;

    DeviceQueue(String partitionKey) {
        this.partitionKey = partitionKey;
        this.partitionKeyBytes = partitionKey.getBytes(StandardCharsets.UTF_8).length;
    }

    BigInteger hashKey() {
        if (hashKey == null) {
            hashKey = ShardMap.hashKeyOf(partitionKey);
        }
        return hashKey;
    }

    /** The open shard this queue's records go to under {@code shards}, cached per shard map version. */
    String shardId(ShardMap.Snapshot shards) {
        if (shardMapVersion != shards.version()) {
            shardId = shards.shardOf(hashKey());
            shardMapVersion = shards.version();
        }
        return shardId;
    }
}
