package vigil.sim.publish;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Packs queue heads into KPL-aggregated Kinesis records, one open aggregate per shard, so that every user record of
 * an aggregate hashes into the shard the aggregate goes to (otherwise KCL drops the whole aggregate; see {@link ShardMap}).
 *
 * <p><b>Threading contract.</b> As {@link BatchPlanner}: the dispatcher thread, under the publisher's lock.
 */
final class ShardAggregatingBatchPlanner implements BatchPlanner {
    /*
     * High level design
     *
     * Walk the ready line in order. Each queue goes into the open aggregate of its shard (from the shard map
     * snapshot of this call); an aggregate that cannot take the queue's head is closed and a new one opened. The
     * queue contributes its head and then as many following records as still fit, all into that one aggregate, so a
     * device's records in this call stand or fall together and in order. The call ends when the ready line is empty,
     * or a new aggregate would exceed the entry count, or the next records would exceed the bytes of the call.
     *
     * Sizes are upper bounds: a user record costs its data and partition key plus USER_RECORD_OVERHEAD_BYTES of
     * protobuf framing (record tag and length, key index, data tag and length: at most 12 bytes; its key in the key
     * table: tag and length, at most 3); an aggregate costs AGGREGATE_OVERHEAD_BYTES (magic and MD5) plus its own
     * partition key. A group that ends up holding one record is sent plain.
     */
    static final int USER_RECORD_OVERHEAD_BYTES = 16;
    static final int AGGREGATE_OVERHEAD_BYTES = 20;

    private final Supplier<ShardMap.Snapshot> shardMap; // the current listing
    private final int maxEntries;
    private final long maxBatchBytes;
    private final long maxAggregateBytes;

    ShardAggregatingBatchPlanner(Supplier<ShardMap.Snapshot> shardMap, PublisherConfig config) {
        this.shardMap = shardMap;
        this.maxEntries = config.maxBatchRecords();
        this.maxBatchBytes = config.maxBatchBytes();
        this.maxAggregateBytes = config.maxAggregateBytes();
    }

    private static final class Group {
        final String shardId;
        final long shardMapVersion;
        final DeviceQueue first;
        final List<PutEntry.Member> members = new ArrayList<>();
        long userBytes; // upper bound of the user records' share of the aggregate

        Group(String shardId, long shardMapVersion, DeviceQueue first) {
            this.shardId = shardId;
            this.shardMapVersion = shardMapVersion;
            this.first = first;
        }

        PutEntry toEntry() {
            PutEntry.Member only = members.get(0);
            if (members.size() == 1 && only.records().size() == 1) {
                return PutEntry.plain(only.queue(), only.records().get(0));
            }
            return new PutEntry(first.partitionKey, members, shardId, shardMapVersion);
        }
    }

    @Override
    public List<PutEntry> take(ArrayDeque<DeviceQueue> ready) {
        ShardMap.Snapshot shards = shardMap.get();
        Map<String, Group> open = new LinkedHashMap<>();
        List<PutEntry> entries = new ArrayList<>();
        long batchBytes = 0;
        while (!ready.isEmpty()) {
            DeviceQueue queue = ready.peekFirst();
            long headCost = queue.records.peekFirst().sizeBytes() + USER_RECORD_OVERHEAD_BYTES;
            String shardId = queue.shardId(shards);
            Group group = open.get(shardId);
            if (group != null && group.userBytes + headCost > maxAggregateBytes) {
                entries.add(group.toEntry());
                open.remove(shardId);
                group = null;
            }
            boolean firstOfCall = entries.isEmpty() && open.isEmpty(); // always taken: one record always fits
            long groupCost = group == null ? AGGREGATE_OVERHEAD_BYTES + queue.partitionKeyBytes : 0;
            if (!firstOfCall && group == null && entries.size() + open.size() >= maxEntries) {
                break;
            }
            if (!firstOfCall && batchBytes + groupCost + headCost > maxBatchBytes) {
                break;
            }
            if (group == null) {
                group = new Group(shardId, shards.version(), queue);
                open.put(shardId, group);
            }
            batchBytes += groupCost;
            ready.pollFirst();
            queue.state = DeviceQueue.State.IN_FLIGHT;
            List<PendingRecord> taken = new ArrayList<>();
            for (PendingRecord r : queue.records) {
                long cost = r.sizeBytes() + USER_RECORD_OVERHEAD_BYTES;
                if (!taken.isEmpty()
                        && (group.userBytes + cost > maxAggregateBytes || batchBytes + cost > maxBatchBytes)) {
                    break;
                }
                taken.add(r);
                group.userBytes += cost;
                batchBytes += cost;
            }
            group.members.add(new PutEntry.Member(queue, taken));
        }
        for (Group g : open.values()) {
            entries.add(g.toEntry());
        }
        return entries;
    }
}
