package vigil.feed.dynamodb;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The real streams client, except that the next {@code n} GetRecords calls fail as if their iterator had expired
 * (which takes a 15-minute stall on the real service). Thread-safe.
 */
final class ExpiringStreamsClient implements DynamoDbStreamsClient {
    private final DynamoDbStreamsClient real;
    private final AtomicInteger expireNext = new AtomicInteger();
    private final AtomicInteger expired = new AtomicInteger();

    ExpiringStreamsClient(DynamoDbStreamsClient real) {
        this.real = real;
    }

    void expireNext(int calls) {
        expireNext.set(calls);
    }

    int expired() {
        return expired.get();
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        if (expireNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            expired.incrementAndGet();
            throw ExpiredIteratorException.builder().message("injected: iterator expired").build();
        }
        return real.getRecords(request);
    }

    @Override
    public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
        return real.describeStream(request);
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        return real.getShardIterator(request);
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    @Override
    public void close() {
        // the real client belongs to the test class
    }
}
