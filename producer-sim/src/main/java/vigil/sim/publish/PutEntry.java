package vigil.sim.publish;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * One Kinesis record of a PutRecords call: a single user record sent plain, or several user records packed in the
 * KPL aggregation format ({@link KplAggregator}). Either all of its user records reach the stream or none does.
 *
 * @param partitionKey    partition key of the Kinesis record: the first member's
 * @param members         per device, the prefix of its queue carried here, in queue order
 * @param expectedShardId the open shard every member hashes to in the shard map used to plan it; {@code null} when
 *                        the records are not aggregated (then the shard does not matter to KCL)
 * @param shardMapVersion version of that shard map; -1 when not aggregated
 */
record PutEntry(String partitionKey, List<Member> members, String expectedShardId, long shardMapVersion) {

    /** The first {@code records.size()} records of {@code queue}, captured under the publisher's lock. */
    record Member(DeviceQueue queue, List<PendingRecord> records) {}

    PutEntry {
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a Kinesis record needs at least one user record");
        }
    }

    /** A plain entry of one record. */
    static PutEntry plain(DeviceQueue queue, PendingRecord record) {
        return new PutEntry(queue.partitionKey, List.of(new Member(queue, List.of(record))), null, -1);
    }

    boolean aggregated() {
        return members.size() > 1 || members.get(0).records().size() > 1;
    }

    int userRecordCount() {
        int n = 0;
        for (Member m : members) {
            n += m.records().size();
        }
        return n;
    }

    /**
     * The request entry. Touches only what was captured at planning (the members' records and final partition
     * keys), so any thread may call it without the publisher's lock; aggregation (copying and MD5) runs here.
     */
    PutRecordsRequestEntry toRequestEntry() {
        if (!aggregated()) {
            return PutRecordsRequestEntry.builder()
                    .partitionKey(partitionKey)
                    .data(SdkBytes.fromByteArrayUnsafe(members.get(0).records().get(0).data()))
                    .build();
        }
        List<KplAggregator.UserRecord> users = new ArrayList<>(userRecordCount());
        for (Member m : members) {
            for (PendingRecord r : m.records()) {
                users.add(KplAggregator.UserRecord.of(m.queue().partitionKey, r.data()));
            }
        }
        return PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .data(SdkBytes.fromByteArrayUnsafe(KplAggregator.aggregate(users)))
                .build();
    }
}
