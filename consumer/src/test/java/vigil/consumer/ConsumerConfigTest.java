package vigil.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.consumer.ConsumerConfig.LeaseTuning;

class ConsumerConfigTest {

    @Test
    void shouldDefaultToTheShortLeaseSettingsWhenNothingIsSet() {
        ConsumerConfig config = ConsumerConfig.fromEnv(Map.of());

        assertThat(config.failoverTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.leaseTuning()).isEqualTo(
                new LeaseTuning(true, Duration.ofSeconds(1), Duration.ofSeconds(6), Duration.ofSeconds(2)));
    }

    @Test
    void shouldUseTheSameLeaseSettingsOnALocalStackAsInADeployment() {
        ConsumerConfig local = ConsumerConfig.local(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:2"),
                "s", "p-");

        assertThat(local.failoverTime()).isEqualTo(ConsumerConfig.fromEnv(Map.of()).failoverTime());
        assertThat(local.leaseTuning()).isEqualTo(LeaseTuning.SHORT);
    }

    @Test
    void shouldFallBackToKclsOwnDefaultsWhenAskedFor() {
        ConsumerConfig config = ConsumerConfig.fromEnv(Map.of(
                "VIGIL_FAILOVER_MS", "10000",
                "VIGIL_LEASE_ASSIGNMENT", "WORKER_UTILIZATION_AWARE",
                "VIGIL_LEASE_ASSIGNMENT_INTERVAL_MS", "kcl",
                "VIGIL_LEADER_LEASE_MS", "KCL",
                "VIGIL_WORKER_REPORT_MS", "kcl"));

        assertThat(config.failoverTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.leaseTuning()).isEqualTo(LeaseTuning.KCL_DEFAULTS);
    }

    @Test
    void shouldRejectAnUnknownAssignmentStrategyNamingTheVariable() {
        assertThatThrownBy(() -> ConsumerConfig.fromEnv(Map.of("VIGIL_LEASE_ASSIGNMENT", "ROUND_ROBIN")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VIGIL_LEASE_ASSIGNMENT");
    }

    @Test
    void shouldRejectALeaderLeaseTooShortForAHeartbeat() {
        assertThatThrownBy(() -> ConsumerConfig.fromEnv(Map.of("VIGIL_LEADER_LEASE_MS", "50")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VIGIL_LEADER_LEASE_MS");
    }

    @Test
    void shouldPollByDefaultAndFanOutOnlyAgainstRealKinesis() {
        assertThat(ConsumerConfig.fromEnv(Map.of()).retrieval()).isEqualTo(ConsumerConfig.Retrieval.POLLING);
        assertThat(ConsumerConfig.fromEnv(Map.of("VIGIL_RETRIEVAL", "fanout")).retrieval())
                .isEqualTo(ConsumerConfig.Retrieval.FANOUT);
        assertThatThrownBy(() -> ConsumerConfig.fromEnv(Map.of("VIGIL_RETRIEVAL", "FANOUT",
                        "VIGIL_KINESIS_ENDPOINT", "http://127.0.0.1:4567")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SubscribeToShard");
        assertThatThrownBy(() -> ConsumerConfig.fromEnv(Map.of("VIGIL_RETRIEVAL", "push")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("POLLING or FANOUT");
    }

    @Test
    void shouldRefuseTheRemovedFlushVariableWithWhatReplacedIt() {
        assertThatThrownBy(() -> ConsumerConfig.fromEnv(Map.of("VIGIL_STATE_FLUSH_MS", "1000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VIGIL_CHECKPOINT_INTERVAL_MS");
        assertThat(ConsumerConfig.fromEnv(Map.of("VIGIL_CHECKPOINT_INTERVAL_MS", "2000")).stateFlushInterval())
                .isEqualTo(Duration.ofSeconds(2));
    }
}
