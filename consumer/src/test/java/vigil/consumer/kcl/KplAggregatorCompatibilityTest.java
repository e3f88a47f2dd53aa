package vigil.consumer.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import vigil.sim.publish.KplAggregator;
import vigil.sim.publish.KplAggregator.UserRecord;

/** The simulator's KPL aggregation format, read back by KCL's own de-aggregation code. */
class KplAggregatorCompatibilityTest {

    @Test
    void shouldBeDeaggregatedByKclIntoTheSameUserRecordsInOrder() {
        List<UserRecord> users = List.of(
                UserRecord.of("PUMP-0001", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                UserRecord.of("PUMP-0002", new byte[] {(byte) 0xC3, (byte) 0x28}),
                UserRecord.of("PUMP-0001", new byte[300]), // data longer than one varint byte of length
                new UserRecord("PUMP-0003", "170141183460469231731687303715884105727", new byte[] {1}));
        byte[] aggregated = KplAggregator.aggregate(users);

        List<KinesisClientRecord> out = new AggregatorUtil().deaggregate(List.of(KinesisClientRecord.builder()
                .data(ByteBuffer.wrap(aggregated))
                .partitionKey("PUMP-0001")
                .sequenceNumber("49590338271490256608559692538361571095921575989136588898")
                .build()));

        assertThat(out).hasSize(users.size());
        for (int i = 0; i < users.size(); i++) {
            KinesisClientRecord r = out.get(i);
            assertThat(r.aggregated()).isTrue();
            assertThat(r.subSequenceNumber()).isEqualTo(i);
            assertThat(r.partitionKey()).isEqualTo(users.get(i).partitionKey());
            assertThat(r.explicitHashKey()).isEqualTo(users.get(i).explicitHashKey());
            byte[] data = new byte[r.data().remaining()];
            r.data().get(data);
            assertThat(data).isEqualTo(users.get(i).data());
        }
    }

    @Test
    void shouldBeDeliveredAsOnePlainRecordWhenTheChecksumIsBroken() {
        byte[] aggregated = KplAggregator.aggregate(List.of(UserRecord.of("PUMP-0001", new byte[] {1, 2, 3})));
        aggregated[aggregated.length - 1] ^= 1;

        List<KinesisClientRecord> out = new AggregatorUtil().deaggregate(List.of(KinesisClientRecord.builder()
                .data(ByteBuffer.wrap(aggregated))
                .partitionKey("PUMP-0001")
                .sequenceNumber("1")
                .build()));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).aggregated()).isFalse();
        assertThat(out.get(0).data().remaining()).isEqualTo(aggregated.length);
    }
}
