package vigil.sim.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * A real {@link KinesisClient} with faults injected into PutRecords: a seeded share of entries is dropped from what
 * is forwarded and answered as throttled ({@code ProvisionedThroughputExceededException}), exactly as Kinesis
 * reports a partial failure; optionally the first call and every n-th after it fail as a whole (the first, so that a publisher that
 * needs only a few calls still meets a failure) with a throttling exception. Everything
 * else (ListShards) goes to the wrapped client unchanged. Thread-safe: the publisher calls it from several threads.
 */
final class FaultInjectingKinesisClient implements KinesisClient {
    private final KinesisClient real;
    private final double entryFailureShare;
    private final int failEveryNthCall; // 0: never
    private final SplittableRandom random; // guarded by this
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong injectedEntryFailures = new AtomicLong();
    private final AtomicLong injectedCallFailures = new AtomicLong();
    private final AtomicInteger listShardsFailuresLeft = new AtomicInteger();
    private final AtomicLong injectedListShardsFailures = new AtomicLong();

    FaultInjectingKinesisClient(KinesisClient real, double entryFailureShare, int failEveryNthCall, long seed) {
        this.real = real;
        this.entryFailureShare = entryFailureShare;
        this.failEveryNthCall = failEveryNthCall;
        this.random = new SplittableRandom(seed);
    }

    long injectedEntryFailures() {
        return injectedEntryFailures.get();
    }

    long injectedCallFailures() {
        return injectedCallFailures.get();
    }

    @Override
    public PutRecordsResponse putRecords(PutRecordsRequest request) {
        long call = calls.incrementAndGet();
        if (failEveryNthCall > 0 && (call - 1) % failEveryNthCall == 0) { // the first call, then every n-th
            injectedCallFailures.incrementAndGet();
            throw ProvisionedThroughputExceededException.builder()
                    .statusCode(400)
                    .message("Rate exceeded for stream (injected)")
                    .awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("ProvisionedThroughputExceededException")
                            .errorMessage("Rate exceeded for stream (injected)")
                            .build())
                    .build();
        }
        List<PutRecordsRequestEntry> entries = request.records();
        boolean[] fail = new boolean[entries.size()];
        List<PutRecordsRequestEntry> forwarded = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < entries.size(); i++) {
                fail[i] = random.nextDouble() < entryFailureShare;
                if (!fail[i]) {
                    forwarded.add(entries.get(i));
                }
            }
        }
        List<PutRecordsResultEntry> realResults = forwarded.isEmpty()
                ? List.of()
                : real.putRecords(request.toBuilder().records(forwarded).build()).records();
        List<PutRecordsResultEntry> merged = new ArrayList<>(entries.size());
        int next = 0;
        int failed = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (fail[i]) {
                failed++;
                merged.add(PutRecordsResultEntry.builder()
                        .errorCode("ProvisionedThroughputExceededException")
                        .errorMessage("Rate exceeded for shard (injected)")
                        .build());
            } else {
                PutRecordsResultEntry r = realResults.get(next++);
                if (r.errorCode() != null) {
                    failed++;
                }
                merged.add(r);
            }
        }
        injectedEntryFailures.addAndGet(failed);
        return PutRecordsResponse.builder().records(merged).failedRecordCount(failed).build();
    }

    /** The next {@code n} ListShards calls fail with {@code LimitExceededException}. */
    void failNextListShards(int n) {
        listShardsFailuresLeft.set(n);
    }

    long injectedListShardsFailures() {
        return injectedListShardsFailures.get();
    }

    /** Passed through unless {@link #failNextListShards} asked for failures: an aggregating publisher lists shards. */
    @Override
    public ListShardsResponse listShards(ListShardsRequest request) {
        if (listShardsFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            injectedListShardsFailures.incrementAndGet();
            throw LimitExceededException.builder()
                    .statusCode(400)
                    .message("Rate exceeded for ListShards (injected)")
                    .build();
        }
        return real.listShards(request);
    }

    @Override
    public String serviceName() {
        return real.serviceName();
    }

    @Override
    public void close() {
        // the wrapped client belongs to the test's LocalAws
    }
}
