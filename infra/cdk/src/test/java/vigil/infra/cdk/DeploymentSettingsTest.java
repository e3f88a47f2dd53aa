package vigil.infra.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vigil.infra.cdk.SynthesizedVigil.properties;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Context handling, its guardrails, and the stack under non-default settings. */
class DeploymentSettingsTest {

    @Test
    void shouldReadCommandLineStringsAsWellAsJsonNumbers() {
        Map<String, Object> context = Map.of("vigil:shardCount", "8", "vigil:consumerMaxTasks", 8,
                "vigil:streamMode", "provisioned", "vigil:prefix", "ward7-");
        DeploymentSettings s = DeploymentSettings.fromContext(context::get);
        assertThat(s.shardCount()).isEqualTo(8);
        assertThat(s.consumerMaxTasks()).isEqualTo(8);
        assertThat(s.kclApplicationName()).isEqualTo("ward7-consumer");
        assertThat(s.streamName()).isEqualTo("ward7-telemetry");
    }

    @Test
    void shouldRejectMoreConsumerWorkersThanShards() {
        Map<String, Object> context = Map.of("vigil:shardCount", 2, "vigil:consumerMaxTasks", 3);
        assertThatThrownBy(() -> DeploymentSettings.fromContext(context::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vigil:consumerMaxTasks (3) exceeds vigil:shardCount (2)");
    }

    @Test
    void shouldRejectUnknownStreamModeAndUnboundedLogRetention() {
        assertThatThrownBy(() -> DeploymentSettings.fromContext(Map.<String, Object>of("vigil:streamMode", "FAST")::get))
                .hasMessageContaining("ON_DEMAND or PROVISIONED");
        assertThatThrownBy(() -> DeploymentSettings.fromContext(
                        Map.<String, Object>of("vigil:logRetention", "INFINITE")::get))
                .hasMessageContaining("finite");
    }

    @Test
    void shouldSynthesizeAnOnDemandStreamAndAnInternetFacingLoadBalancerWhenAsked() {
        SynthesizedVigil vigil = SynthesizedVigil.with(Map.of(
                "vigil:streamMode", "ON_DEMAND", "vigil:consumerMaxTasks", 6, "vigil:internetFacingApi", true));
        Map<String, Object> stream = properties(vigil.resources("AWS::Kinesis::Stream").values().iterator().next());
        assertThat(stream.get("StreamModeDetails")).isEqualTo(Map.of("StreamMode", "ON_DEMAND"));
        assertThat(stream).doesNotContainKey("ShardCount");
        Map<String, Object> lb = properties(
                vigil.resources("AWS::ElasticLoadBalancingV2::LoadBalancer").values().iterator().next());
        assertThat(lb.get("Scheme")).isEqualTo("internet-facing");
        assertThat(String.valueOf(lb.get("Subnets"))).contains("edge");
        // The tasks stay in the isolated subnets; only the load balancer is public.
        vigil.resources("AWS::ECS::Service").values().forEach(service ->
                assertThat(String.valueOf(properties(service).get("NetworkConfiguration"))).contains("workload")
                        .doesNotContain("edge"));
        assertThat(vigil.resources("AWS::EC2::NatGateway")).isEmpty();
    }
}
