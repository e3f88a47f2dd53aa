package vigil.infra.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import vigil.schema.TableSpec;
import vigil.schema.Tables;

class LocalAwsTest {

    @Test
    void shouldCreateEveryTableAndTheStreamAndLeaveNoProcessAfterClose() throws Exception {
        LocalAws aws = LocalAws.start(LocalAwsConfig.defaults().withShardCount(2));
        long pid;
        try (aws) {
            pid = aws.kinesalitePid();
            List<String> tables = aws.dynamoDbClient().listTables().tableNames();
            for (TableSpec spec : Tables.all()) {
                assertThat(tables).contains(spec.nameWith(aws.tablePrefix()));
            }
            var shards = aws.kinesisClient().listShards(b -> b.streamName(aws.streamName())).shards();
            assertThat(shards).hasSize(2);

            aws.kinesisClient().putRecord(b -> b.streamName(aws.streamName())
                    .partitionKey("PUMP-1")
                    .data(SdkBytes.fromString("{}", StandardCharsets.UTF_8)));
            int found = 0;
            for (var shard : shards) {
                String it = aws.kinesisClient().getShardIterator(b -> b.streamName(aws.streamName())
                                .shardId(shard.shardId())
                                .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                        .shardIterator();
                found += aws.kinesisClient().getRecords(b -> b.shardIterator(it)).records().size();
            }
            assertThat(found).isEqualTo(1);
        }
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(10, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void shouldStartDynamoDbOnlyWhenKinesisIsNotWanted() {
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis())) {
            assertThat(aws.kinesalitePid()).isEqualTo(-1);
            assertThat(aws.dynamoDbClient().listTables().tableNames()).hasSize(Tables.all().size() + 1); // + KCL lease table
        }
    }
}
