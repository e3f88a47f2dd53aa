package vigil.feed.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import vigil.feed.ChangeListener;
import vigil.feed.TableChange;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.Tables;

/**
 * The stream tail on DynamoDB Local's real streams: what it delivers from LATEST and from TRIM_HORIZON, the order
 * per item, removals, and a clear error for a table without a stream.
 */
class StreamTailTest {
    private static LocalAws aws;
    private static DynamoDbClient dynamo;
    private static DynamoDbStreamsClient streams;

    @BeforeAll
    static void start() {
        aws = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis());
        dynamo = aws.dynamoDbClient();
        streams = StreamClients.like(dynamo);
    }

    @AfterAll
    static void stop() {
        streams.close();
        aws.close();
    }

    /** Collects changes; the tail calls it on its one thread, the test reads from another. */
    static final class Collector implements ChangeListener {
        final List<TableChange> changes = new CopyOnWriteArrayList<>();

        final List<String> gaps = new CopyOnWriteArrayList<>();

        @Override
        public void onChanges(List<TableChange> batch) {
            changes.addAll(batch);
        }

        @Override
        public void onGap(String reason) {
            gaps.add(reason);
        }

        List<TableChange> awaitAtLeast(int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (changes.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return new ArrayList<>(changes);
        }
    }

    private static String table() {
        return Tables.SETTINGS.nameWith(aws.tablePrefix());
    }

    private static void put(String deviceId, long version) {
        dynamo.putItem(b -> b.tableName(table()).item(Map.of(
                "deviceId", AttributeValue.fromS(deviceId),
                "version", AttributeValue.fromN(Long.toString(version)))));
    }

    private static long version(TableChange c) {
        return Long.parseLong(c.newImage().get("version").n());
    }

    @Test
    void fromLatestDeliversEveryLaterChangeInOrderPerItemAndRemovals() throws Exception {
        put("FEED-OLD", 1); // before start: not delivered from LATEST
        Collector collector = new Collector();
        try (StreamTail tail = new StreamTail(dynamo, streams, table(), StreamTail.Start.LATEST,
                Duration.ofMillis(50), collector, "test-tail")) {
            tail.start();
            for (int v = 1; v <= 20; v++) {
                put("FEED-A", v);
                put("FEED-B", v);
            }
            dynamo.deleteItem(b -> b.tableName(table()).key(Map.of("deviceId", AttributeValue.fromS("FEED-A"))));
            List<TableChange> seen = collector.awaitAtLeast(41);

            assertThat(seen).hasSize(41);
            assertThat(seen).noneMatch(c -> c.keys().get("deviceId").s().equals("FEED-OLD"));
            List<Long> a = seen.stream().filter(c -> c.keys().get("deviceId").s().equals("FEED-A") && !c.isRemoval())
                    .map(StreamTailTest::version).toList();
            List<Long> b = seen.stream().filter(c -> c.keys().get("deviceId").s().equals("FEED-B"))
                    .map(StreamTailTest::version).toList();
            assertThat(a).containsExactlyElementsOf(range(1, 20));
            assertThat(b).containsExactlyElementsOf(range(1, 20));
            TableChange last = seen.stream().filter(c -> c.keys().get("deviceId").s().equals("FEED-A"))
                    .reduce((x, y) -> y).orElseThrow();
            assertThat(last.isRemoval()).isTrue();
            assertThat(tail.getRecordsCalls()).isPositive();
        }
    }

    @Test
    void fromTrimHorizonDeliversWhatTheStreamStillHolds() throws Exception {
        put("FEED-H", 7);
        Collector collector = new Collector();
        try (StreamTail tail = new StreamTail(dynamo, streams, table(), StreamTail.Start.TRIM_HORIZON,
                Duration.ofMillis(50), collector, "test-tail")) {
            tail.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (collector.changes.stream().noneMatch(c -> c.keys().get("deviceId").s().equals("FEED-H"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(collector.changes).anyMatch(c -> c.keys().get("deviceId").s().equals("FEED-H")
                    && version(c) == 7);
        }
    }

    @Test
    void aLatestReaderWhoseIteratorExpiresBeforeItsFirstChangeDoesNotReplayHistoryAndReportsAGap() throws Exception {
        put("EXP-OLD", 1); // the stream's history before start: must not be delivered
        FaultyStreamsClient expiring = new FaultyStreamsClient(streams); // not closed: streams is the class's
        expiring.expireNext(1);
        Collector collector = new Collector();
        try (StreamTail tail = new StreamTail(dynamo, expiring, table(), StreamTail.Start.LATEST,
                Duration.ofMillis(50), collector, "test-tail")) {
            tail.start();
            awaitExpired(expiring, 1);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (collector.gaps.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10); // reported once the reader is positioned again: what comes after is delivered
            }
            put("EXP-NEW", 1);
            collector.awaitAtLeast(1);
            Thread.sleep(300); // anything replayed from the history would arrive with or right after it

            assertThat(collector.changes).extracting(c -> c.keys().get("deviceId").s()).containsExactly("EXP-NEW");
            assertThat(collector.gaps).hasSize(1).allSatisfy(g -> assertThat(g).contains("expired"));
            assertThat(tail.gaps()).isEqualTo(1);
        }
    }

    @Test
    void aReaderWhoseIteratorExpiresAfterAChangeContinuesAfterItWithoutAGap() throws Exception {
        FaultyStreamsClient expiring = new FaultyStreamsClient(streams); // not closed: streams is the class's
        Collector collector = new Collector();
        try (StreamTail tail = new StreamTail(dynamo, expiring, table(), StreamTail.Start.LATEST,
                Duration.ofMillis(50), collector, "test-tail")) {
            tail.start();
            put("EXP-AFTER", 1);
            collector.awaitAtLeast(1);
            expiring.expireNext(1);
            awaitExpired(expiring, 1);
            put("EXP-AFTER", 2);
            collector.awaitAtLeast(2);
            Thread.sleep(300);

            assertThat(collector.changes).extracting(StreamTailTest::version).containsExactly(1L, 2L);
            assertThat(collector.gaps).isEmpty();
        }
    }

    @Test
    void aReaderThatExpiredAndWasTrimmedPastItsPositionRereadsWhatIsHeldAndReportsAGap() throws Exception {
        FaultyStreamsClient faulty = new FaultyStreamsClient(streams); // not closed: streams is the class's
        Collector collector = new Collector();
        try (StreamTail tail = new StreamTail(dynamo, faulty, table(), StreamTail.Start.LATEST,
                Duration.ofMillis(50), collector, "test-tail")) {
            tail.start();
            put("EXP-TRIM", 1);
            collector.awaitAtLeast(1);
            faulty.trimNextAfterSequence();
            faulty.expireNext(1);
            awaitExpired(faulty, 1);
            put("EXP-TRIM", 2);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (collector.changes.stream().noneMatch(c -> c.keys().get("deviceId").s().equals("EXP-TRIM")
                    && version(c) == 2) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            // At least once: from the oldest change held, so version 1 (and older items) may come again.
            assertThat(collector.changes).anyMatch(c -> c.keys().get("deviceId").s().equals("EXP-TRIM")
                    && version(c) == 2);
            assertThat(collector.gaps).singleElement().satisfies(g -> assertThat(g).contains("trimmed"));
        }
    }

    private static void awaitExpired(FaultyStreamsClient client, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (client.expired() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(client.expired()).as("injected expiries").isEqualTo(n);
    }

    @Test
    void aTableWithoutAStreamIsAClearError() {
        String noStream = Tables.AUDIT.nameWith(aws.tablePrefix());
        StreamTail tail = new StreamTail(dynamo, streams, noStream, StreamTail.Start.LATEST, Duration.ofMillis(50),
                new Collector(), "test-tail");
        assertThatThrownBy(tail::start).isInstanceOf(StreamUnavailableException.class).hasMessageContaining(noStream)
                .hasMessageContaining("no stream");
        tail.close();
        StreamTail missing = new StreamTail(dynamo, streams, "nope-table", StreamTail.Start.LATEST,
                Duration.ofMillis(50), new Collector(), "test-tail");
        assertThatThrownBy(missing::start).isInstanceOf(StreamUnavailableException.class)
                .hasMessageContaining("nope-table");
        missing.close();
    }

    private static List<Long> range(int from, int to) {
        List<Long> out = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            out.add(v);
        }
        return out;
    }
}
