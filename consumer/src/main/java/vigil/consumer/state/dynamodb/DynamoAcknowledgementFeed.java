package vigil.consumer.state.dynamodb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import vigil.consumer.rules.Acknowledgement;
import vigil.consumer.state.AcknowledgementSource;
import vigil.feed.TableChange;
import vigil.feed.dynamodb.StreamClients;
import vigil.feed.dynamodb.StreamTail;
import vigil.schema.Tables;

/**
 * Acknowledgements made in the API, from the alerts table's stream (docs/change-feeds.md): the worker follows the
 * stream from its start and remembers each acknowledgement it sees for {@link #RETAIN}; a shard processor asks for
 * those of its open, unacknowledged alerts every poll, which costs no read. When a shard starts, its processor reads
 * the stored acknowledgements of the alerts it restored once ({@link #readStored}, a BatchGetItem bounded by the
 * shard's open alerts): those made before this worker followed the stream.
 *
 * <p>Before: every processor read all its open, unacknowledged alerts by key every 2 s, which grows with the open
 * alerts of the fleet (the fleet benchmark saw 5.6 BatchGetItem/s at 1,000 devices with an open alert each).
 *
 * <p><b>Threading contract.</b> The tail's thread writes the map; processors read it concurrently.
 */
public final class DynamoAcknowledgementFeed implements AcknowledgementSource, AutoCloseable {
    /** How long a seen acknowledgement is kept for the processors (they ask every 2 s; a restart reads the store). */
    static final Duration RETAIN = Duration.ofMinutes(10);

    private record Seen(Acknowledgement ack, long seenNanos) {}

    private final DynamoAcknowledgementSource store;
    private final DynamoDbStreamsClient streams;
    private final StreamTail tail;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    public DynamoAcknowledgementFeed(DynamoDbAsyncClient dynamo, String tablePrefix, Duration pollInterval) {
        this.store = new DynamoAcknowledgementSource(dynamo, tablePrefix);
        this.streams = StreamClients.like(dynamo);
        this.tail = new StreamTail(dynamo, streams, Tables.ALERTS.nameWith(tablePrefix), StreamTail.Start.LATEST,
                pollInterval, this::onChanges, "acknowledgement-stream");
    }

    /** Positions on the alerts stream; every acknowledgement made afterwards is seen. */
    public void start() {
        tail.start();
    }

    private void onChanges(List<TableChange> changes) {
        long now = System.nanoTime();
        for (TableChange c : changes) {
            if (!c.isRemoval()) {
                Acknowledgement ack = AlertItems.acknowledgement(c.newImage());
                if (ack != null) {
                    seen.put(ack.alertId(), new Seen(ack, now));
                }
            }
        }
        seen.values().removeIf(s -> now - s.seenNanos() > RETAIN.toNanos());
    }

    /** The acknowledgements seen in the stream for these alerts; no read. */
    @Override
    public List<Acknowledgement> acknowledgementsOf(Collection<String> alertIds) {
        List<Acknowledgement> found = new ArrayList<>();
        for (String id : alertIds) {
            Seen s = seen.get(id);
            if (s != null) {
                found.add(s.ack());
            }
        }
        return found;
    }

    /** The stored acknowledgements of these alerts, read by key (once per shard start). */
    @Override
    public List<Acknowledgement> readStored(Collection<String> alertIds) {
        return store.acknowledgementsOf(alertIds);
    }

    /** Stream calls so far. */
    public long streamReadCalls() {
        return tail.getRecordsCalls();
    }

    @Override
    public void close() {
        tail.close();
        streams.close();
    }
}
