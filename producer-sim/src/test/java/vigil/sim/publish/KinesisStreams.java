package vigil.sim.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** Test helpers over a real (emulated) stream: create one, read every shard back from the start. */
public final class KinesisStreams {
    private KinesisStreams() {}

    /** One record as read back, in shard order. */
    public record ReadRecord(String shardId, String partitionKey, byte[] data) {}

    public static void create(KinesisClient kinesis, String stream, int shards) throws InterruptedException {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (kinesis.describeStreamSummary(b -> b.streamName(stream))
                        .streamDescriptionSummary()
                        .streamStatus()
                != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream " + stream + " not active in 30 s");
            }
            Thread.sleep(20);
        }
    }

    /** Every record of every shard, each shard in its own order, shards one after another. */
    public static List<ReadRecord> readAll(KinesisClient kinesis, String stream) {
        List<ReadRecord> out = new ArrayList<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            while (iterator != null) {
                String it = iterator;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(it).limit(10_000));
                for (Record r : page.records()) {
                    out.add(new ReadRecord(shard.shardId(), r.partitionKey(), r.data().asByteArray()));
                }
                if (page.records().isEmpty()) {
                    break; // the emulator answers with everything available; an empty page is the end
                }
                iterator = page.nextShardIterator();
            }
        }
        return out;
    }
}
