package vigil.sim.publish;

import java.util.Set;
import java.util.SplittableRandom;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What the publisher retries and how long it waits: exponential backoff per record, {@code base * 2^(attempt-1)}
 * capped at {@code max}, with equal jitter (half of it fixed, half random) so that throttled devices do not retry in
 * lockstep.
 *
 * <p><b>Threading contract.</b> The classification methods are pure. {@link #backoffNanos} draws from a seeded
 * generator and must be called by one thread at a time (the publisher calls it under its lock).
 */
final class RetryPolicy {
    /** Per-entry error codes of PutRecords that a later attempt can fix. */
    private static final Set<String> RETRYABLE_ENTRY_ERRORS =
            Set.of("ProvisionedThroughputExceededException", "InternalFailure", "KMSThrottlingException");
    /** Whole-call error codes that mean "slow down", whatever the HTTP status. */
    private static final Set<String> THROTTLING_CALL_ERRORS =
            Set.of("ProvisionedThroughputExceededException", "LimitExceededException", "KMSThrottlingException");

    private final long baseNanos;
    private final long maxNanos;
    private final SplittableRandom jitter;

    RetryPolicy(PublisherConfig config) {
        this.baseNanos = config.baseBackoff().toNanos();
        this.maxNanos = config.maxBackoff().toNanos();
        this.jitter = new SplittableRandom(config.jitterSeed());
    }

    /** A failed entry of a PutRecords answer: throttling and internal failures are retryable; KMS access is not. */
    static boolean isRetryableEntry(String errorCode) {
        return RETRYABLE_ENTRY_ERRORS.contains(errorCode);
    }

    /**
     * A whole PutRecords call that threw. Throttling, 5xx and client-side I/O or timeouts are retryable; 4xx such as
     * a missing stream, access denied or a validation error are not (retrying cannot fix them).
     */
    static boolean isRetryableCall(RuntimeException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return service.isThrottlingException() || service.statusCode() >= 500 || service.retryable()
                    || THROTTLING_CALL_ERRORS.contains(code);
        }
        return e instanceof SdkClientException;
    }

    /** Delay before attempt {@code failedAttempts + 1}, in nanos; {@code failedAttempts >= 1}. */
    long backoffNanos(int failedAttempts) {
        long capNanos = Math.min(maxNanos, baseNanos << Math.min(30, Math.max(0, failedAttempts - 1)));
        if (capNanos < 0) { // shifted past Long.MAX_VALUE
            capNanos = maxNanos;
        }
        return capNanos / 2 + jitter.nextLong(capNanos / 2 + 1);
    }
}
