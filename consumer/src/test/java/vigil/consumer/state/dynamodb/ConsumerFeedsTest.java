package vigil.consumer.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.consumer.rules.Acknowledgement;
import vigil.consumer.rules.SettingsCache;
import vigil.feed.dynamodb.FaultyStreamsClient;
import vigil.feed.dynamodb.StreamClients;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.Tables;

/**
 * The consumer's two change feeds on DynamoDB Local's real streams. Settings: a document stored before the start
 * comes from the one read at start, later changes come from the stream (no further table read), an older version
 * never replaces a newer one, and a removed document is gone. Acknowledgements: one made before the feed started is
 * found only by the store read of a shard's start; one made afterwards comes through the stream, without a read.
 */
class ConsumerFeedsTest {
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

    private static void put(String deviceId, long version, double raise) {
        dynamo.putItem(b -> b.tableName(Tables.SETTINGS.nameWith(aws.tablePrefix())).item(Map.of(
                "deviceId", AttributeValue.fromS(deviceId),
                "version", AttributeValue.fromN(Long.toString(version)),
                "careUnit", AttributeValue.fromS("ICU-4A"),
                "thresholds", AttributeValue.fromM(Map.of("FLOW_ACCURACY_DRIFT",
                        AttributeValue.fromM(Map.of("raisePct", AttributeValue.fromN(Double.toString(raise)))))))));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void readsOnceAtStartThenFollowsTheStream() throws Exception {
        put("PUMP-SF1", 3, 7.5);
        SettingsCache cache = new SettingsCache();
        try (DynamoSettingsFeed feed = new DynamoSettingsFeed(async, aws.tablePrefix(), cache,
                Duration.ofMillis(100))) {
            feed.start();
            assertThat(feed.loaded()).isTrue();
            assertThat(cache.settingsFor("PUMP-SF1").version()).isEqualTo(3);

            long generation = cache.generation();
            put("PUMP-SF1", 4, 9.0);
            put("PUMP-SF2", 1, 6.0);
            await(() -> cache.settingsFor("PUMP-SF2") != null && cache.settingsFor("PUMP-SF1").version() == 4,
                    "changes after the start arrive by the stream");
            assertThat(cache.settingsFor("PUMP-SF1").thresholdOverrides())
                    .containsEntry("FLOW_ACCURACY_DRIFT.raisePct", 9.0);
            assertThat(cache.generation()).isGreaterThan(generation);

            put("PUMP-SF1", 2, 1.0); // an older version (e.g. a late duplicate): never replaces the newer one
            put("PUMP-SF3", 1, 5.0); // a marker after it in the stream
            await(() -> cache.settingsFor("PUMP-SF3") != null, "marker");
            assertThat(cache.settingsFor("PUMP-SF1").version()).isEqualTo(4);

            dynamo.deleteItem(b -> b.tableName(Tables.SETTINGS.nameWith(aws.tablePrefix()))
                    .key(Map.of("deviceId", AttributeValue.fromS("PUMP-SF2"))));
            await(() -> cache.settingsFor("PUMP-SF2") == null, "a removed document is gone");
            assertThat(feed.streamReadCalls()).isPositive();
        }
    }

    /**
     * A stream that loses changes (DynamoDB Streams does not, but a reader stalled past 15 min or 24 h has lost its
     * place): while blind, GetRecords answers without its records; then one call fails with an expired iterator, and
     * the tail reports a gap. The feed must then read the table again, or the lost document never arrives.
     */
    @Test
    void readsTheTableAgainWhenTheStreamReportsAGap() throws Exception {
        FaultyStreamsClient losing = new FaultyStreamsClient(StreamClients.like(dynamo));
        SettingsCache cache = new SettingsCache();
        try (DynamoSettingsFeed feed = new DynamoSettingsFeed(async, losing, aws.tablePrefix(), cache,
                Duration.ofMillis(50))) {
            feed.start();
            losing.blind(true);
            put("PUMP-GAP1", 1, 6.5);
            await(() -> losing.dropped() > 0, "the change is lost to the stream");
            assertThat(cache.settingsFor("PUMP-GAP1")).isNull();

            losing.blind(false);
            losing.expireNext(1);
            await(() -> cache.settingsFor("PUMP-GAP1") != null, "the lost document arrives by the read after the gap");
            assertThat(cache.settingsFor("PUMP-GAP1").thresholdOverrides())
                    .containsEntry("FLOW_ACCURACY_DRIFT.raisePct", 6.5);
        }
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
