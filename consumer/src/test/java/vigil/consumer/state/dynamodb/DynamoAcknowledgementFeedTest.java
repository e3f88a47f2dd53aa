package vigil.consumer.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.consumer.rules.Acknowledgement;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.Tables;

/**
 * Acknowledgements by the alerts table's stream on DynamoDB Local: one made before the feed started is found only by
 * the store read of a shard's start; one made afterwards comes through the stream, without a read.
 */
class DynamoAcknowledgementFeedTest {
    private static LocalAws aws;
    private static DynamoDbClient dynamo;
    private static DynamoDbAsyncClient async;

    @BeforeAll
    static void start() {
        aws = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis());
        dynamo = aws.dynamoDbClient();
        async = DynamoDbAsyncClient.builder()
                .endpointOverride(aws.dynamoDbEndpoint())
                .region(LocalAws.REGION)
                .credentialsProvider(LocalAws.credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
    }

    @AfterAll
    static void stop() {
        async.close();
        aws.close();
    }

    private static void acknowledge(String alertId, String by) {
        dynamo.putItem(b -> b.tableName(Tables.ALERTS.nameWith(aws.tablePrefix())).item(Map.of(
                "alertId", AttributeValue.fromS(alertId),
                "status", AttributeValue.fromS("ACKNOWLEDGED"),
                "ackAt", AttributeValue.fromS("2026-12-04T10:00:00.123Z"),
                "ackBy", AttributeValue.fromS(by),
                "ackNote", AttributeValue.fromS("line checked"))));
    }

    @Test
    void seesLaterAcknowledgementsByTheStreamAndEarlierOnesByTheStoreRead() throws Exception {
        String before = "PUMP-AF1:FLOW_ACCURACY_DRIFT:1790000000000";
        String after = "PUMP-AF2:FLOW_ACCURACY_DRIFT:1790000000000";
        acknowledge(before, "nurse-a");
        try (DynamoAcknowledgementFeed feed =
                new DynamoAcknowledgementFeed(async, aws.tablePrefix(), Duration.ofMillis(100))) {
            feed.start();
            acknowledge(after, "nurse-b");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            List<Acknowledgement> seen = List.of();
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                seen = feed.acknowledgementsOf(List.of(before, after));
            }
            assertThat(seen).extracting(Acknowledgement::alertId).containsExactly(after);
            assertThat(seen.get(0).by()).isEqualTo("nurse-b");
            assertThat(feed.readStored(List.of(before, after))).extracting(Acknowledgement::alertId)
                    .containsExactlyInAnyOrder(before, after);
        }
    }
}
