package vigil.feed.dynamodb;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The real streams client with two faults on request, for the situations a reader meets only after long stalls:
 * the next {@code n} GetRecords calls fail as if their iterator had expired (15 min on the real service), the next
 * iterator after a sequence number fails as trimmed (24 h behind), and, while blind, GetRecords answers without its records (what a reader stalled past the retention has lost). Shared with
 * the consumer's and the API's tests (this module's test-jar). Thread-safe.
 */
public final class FaultyStreamsClient implements DynamoDbStreamsClient {
    private final DynamoDbStreamsClient real;
    private final AtomicInteger expireNext = new AtomicInteger();
    private final AtomicInteger expired = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile boolean blind;
    private volatile boolean trimNextAfterSequence;

    /** @param real the client to delegate to; closed with this one */
    public FaultyStreamsClient(DynamoDbStreamsClient real) {
        this.real = real;
    }

    /** The next {@code calls} GetRecords calls fail with an expired iterator. */
    public void expireNext(int calls) {
        expireNext.set(calls);
    }

    /** The next AFTER_SEQUENCE_NUMBER iterator request fails as if the stream had trimmed past that position. */
    public void trimNextAfterSequence() {
        trimNextAfterSequence = true;
    }

    /** While true, records are read and dropped. */
    public void blind(boolean on) {
        blind = on;
    }

    /** GetRecords calls failed so far. */
    public int expired() {
        return expired.get();
    }

    /** Records dropped so far. */
    public int dropped() {
        return dropped.get();
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        if (expireNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            expired.incrementAndGet();
            throw ExpiredIteratorException.builder().message("injected: iterator expired").build();
        }
        GetRecordsResponse response = real.getRecords(request);
        if (blind && response.hasRecords() && !response.records().isEmpty()) {
            dropped.addAndGet(response.records().size());
            return response.toBuilder().records(List.of()).build();
        }
        return response;
    }

    @Override
    public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
        return real.describeStream(request);
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        if (request.shardIteratorType() == ShardIteratorType.AFTER_SEQUENCE_NUMBER && trimNextAfterSequence) {
            trimNextAfterSequence = false;
            throw TrimmedDataAccessException.builder().message("injected: trimmed past the position").build();
        }
        return real.getShardIterator(request);
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    @Override
    public void close() {
        real.close();
    }
}
