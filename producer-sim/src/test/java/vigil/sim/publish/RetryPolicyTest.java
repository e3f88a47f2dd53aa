package vigil.sim.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class RetryPolicyTest {

    @Test
    void shouldRetryThrottledEntriesAndInternalFailuresButNotKmsAccessErrors() {
        assertThat(RetryPolicy.isRetryableEntry("ProvisionedThroughputExceededException")).isTrue();
        assertThat(RetryPolicy.isRetryableEntry("InternalFailure")).isTrue();
        assertThat(RetryPolicy.isRetryableEntry("KMSAccessDeniedException")).isFalse();
    }

    @Test
    void shouldRetryThrottling5xxAndIoFailuresOfAWholeCallButNotClientErrors() {
        assertThat(RetryPolicy.isRetryableCall(serviceError(503, "ServiceUnavailable"))).isTrue();
        assertThat(RetryPolicy.isRetryableCall(serviceError(500, "InternalFailure"))).isTrue();
        assertThat(RetryPolicy.isRetryableCall(LimitExceededException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("LimitExceededException").build()).build()))
                .isTrue();
        assertThat(RetryPolicy.isRetryableCall(SdkClientException.create("connection refused"))).isTrue();
        assertThat(RetryPolicy.isRetryableCall(ApiCallTimeoutException.create(1_000))).isTrue();

        assertThat(RetryPolicy.isRetryableCall(ResourceNotFoundException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build()).build()))
                .isFalse();
        assertThat(RetryPolicy.isRetryableCall(serviceError(403, "AccessDeniedException"))).isFalse();
        assertThat(RetryPolicy.isRetryableCall(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void shouldDoubleTheBackoffPerAttemptUpToTheCapWithJitterInTheUpperHalf() {
        RetryPolicy policy = new RetryPolicy(PublisherConfig.defaults("s")
                .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(2)));
        long[] capsMillis = {50, 100, 200, 400, 800, 1_600, 2_000, 2_000};
        for (int attempt = 1; attempt <= capsMillis.length; attempt++) {
            long capNanos = Duration.ofMillis(capsMillis[attempt - 1]).toNanos();
            for (int i = 0; i < 100; i++) {
                assertThat(policy.backoffNanos(attempt)).isBetween(capNanos / 2, capNanos);
            }
        }
        assertThat(policy.backoffNanos(1_000)).isBetween(Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(2).toNanos());
    }

    private static KinesisException serviceError(int status, String code) {
        return (KinesisException) KinesisException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
                .build();
    }
}
