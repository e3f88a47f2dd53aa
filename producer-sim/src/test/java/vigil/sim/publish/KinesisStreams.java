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
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** Test helpers over a real (emulated) stream: create one, read every shard back from the start. */
public final class KinesisStreams {
    private KinesisStreams() {}

    /** One user record as read back, in shard order. */
    public record ReadRecord(String shardId, String partitionKey, byte[] data) {}

    public static void create(KinesisClient kinesis, String stream, int shards) throws InterruptedException {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        awaitActive(kinesis, stream);
    }

    public static void awaitActive(KinesisClient kinesis, String stream) throws InterruptedException {
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

    /**
     * Every user record of every shard as a KCL consumer gets it: aggregated Kinesis records are de-aggregated by
     * KCL's own code, which drops user records whose hash key lies outside the shard's range. Each shard in its own
     * order, shards in listing order (parents before their children).
     */
    public static List<ReadRecord> readAll(KinesisClient kinesis, String stream) {
        List<ReadRecord> out = new ArrayList<>();
        AggregatorUtil aggregatorUtil = new AggregatorUtil();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            List<KinesisClientRecord> raw = new ArrayList<>();
            for (Record r : readShard(kinesis, stream, shard.shardId())) {
                raw.add(KinesisClientRecord.fromRecord(r));
            }
            for (KinesisClientRecord r : aggregatorUtil.deaggregate(raw, shard.hashKeyRange().startingHashKey(),
                    shard.hashKeyRange().endingHashKey())) {
                byte[] data = new byte[r.data().remaining()];
                r.data().get(data);
                out.add(new ReadRecord(shard.shardId(), r.partitionKey(), data));
            }
        }
        return out;
    }

    /** The Kinesis records of one shard as stored, aggregates not unpacked. */
    public static List<Record> readShard(KinesisClient kinesis, String stream, String shardId) {
        List<Record> out = new ArrayList<>();
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream)
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        while (iterator != null) {
            String it = iterator;
            GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(it).limit(10_000));
            out.addAll(page.records());
            if (page.records().isEmpty()) {
                break; // the emulator answers with everything available; an empty page is the end
            }
            iterator = page.nextShardIterator();
        }
        return out;
    }
}
