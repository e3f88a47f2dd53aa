package vigil.infra.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.infra.cdk.SynthesizedVigil.list;
import static vigil.infra.cdk.SynthesizedVigil.map;
import static vigil.infra.cdk.SynthesizedVigil.properties;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/** Fargate services, the HTTPS load balancer, autoscaling, the private network and the alarms. */
class ServicesAndAlarmsTemplateTest {
    private final SynthesizedVigil vigil = SynthesizedVigil.defaults();

    @Test
    void shouldRunBothServicesOnFargateInPrivateSubnetsWithoutPublicAddresses() {
        Map<String, Map<String, Object>> services = vigil.resources("AWS::ECS::Service");
        assertThat(services.keySet()).hasSize(2).anyMatch(id -> id.startsWith("ConsumerService"))
                .anyMatch(id -> id.startsWith("DashboardService"));
        services.forEach((id, service) -> {
            Map<String, Object> p = properties(service);
            assertThat(p.get("LaunchType")).isEqualTo("FARGATE");
            Map<String, Object> network = map(map(p.get("NetworkConfiguration")).get("AwsvpcConfiguration"));
            assertThat(network.get("AssignPublicIp")).as("public IP of %s", id).isEqualTo("DISABLED");
            assertThat(String.valueOf(network.get("Subnets"))).as("subnets of %s", id).contains("workload");
            assertThat(map(map(p.get("DeploymentConfiguration")).get("DeploymentCircuitBreaker")))
                    .isEqualTo(Map.of("Enable", true, "Rollback", true));
        });
    }

    @Test
    void shouldConfigureTheContainersFromTheSameNamesTheCodeReads() {
        Map<String, Map<String, Object>> containers = new HashMap<>();
        vigil.resources("AWS::ECS::TaskDefinition").values().forEach(task ->
                list(properties(task).get("ContainerDefinitions")).forEach(c ->
                        containers.put((String) map(c).get("Name"), map(c))));
        Map<String, Object> consumerEnv = environment(containers.get("consumer"));
        assertThat(consumerEnv).containsEntry("VIGIL_APP_NAME", "vigil-consumer")
                .containsEntry("VIGIL_TABLE_PREFIX", "vigil-").containsKeys("VIGIL_STREAM", "VIGIL_REGION");
        Map<String, Object> apiEnv = environment(containers.get("dashboard-api"));
        assertThat(apiEnv).containsEntry("VIGIL_API_HOST", "0.0.0.0").containsEntry("VIGIL_API_PORT", "8080")
                .containsEntry("VIGIL_TABLE_PREFIX", "vigil-").doesNotContainKey("VIGIL_JWT_SECRET");
        Object secretRef = Map.of("Ref", vigil.resources("AWS::SecretsManager::Secret").keySet().iterator().next());
        assertThat(list(containers.get("dashboard-api").get("Secrets")))
                .containsExactly(Map.of("Name", "VIGIL_JWT_SECRET", "ValueFrom", secretRef));
    }

    @Test
    void shouldRunTheConsumerWithTheShortLeaseSettingsMeasuredForTakeover() {
        Map<String, Object> consumerEnv = new HashMap<>();
        vigil.resources("AWS::ECS::TaskDefinition").values().forEach(task ->
                list(properties(task).get("ContainerDefinitions")).stream().map(c -> map(c))
                        .filter(c -> "consumer".equals(c.get("Name")))
                        .forEach(c -> consumerEnv.putAll(environment(c))));
        // docs/consumer.md, "Takeover after a worker dies"; the same values as ConsumerConfig's defaults.
        assertThat(consumerEnv).containsEntry("VIGIL_FAILOVER_MS", "3000")
                .containsEntry("VIGIL_LEASE_ASSIGNMENT", "LEASE_COUNT_BASED")
                .containsEntry("VIGIL_LEASE_ASSIGNMENT_INTERVAL_MS", "1000")
                .containsEntry("VIGIL_LEADER_LEASE_MS", "6000")
                .containsEntry("VIGIL_WORKER_REPORT_MS", "2000")
                .containsEntry("VIGIL_RETRIEVAL", "POLLING");
    }

    @Test
    void shouldSwitchTheConsumerToEnhancedFanOutWithItsRightsOnlyWhenAsked() {
        SynthesizedVigil fanOut = SynthesizedVigil.with(Map.of("vigil:retrieval", "FANOUT"));
        Map<String, Object> consumerEnv = new HashMap<>();
        fanOut.resources("AWS::ECS::TaskDefinition").values().forEach(task ->
                list(properties(task).get("ContainerDefinitions")).stream().map(c -> map(c))
                        .filter(c -> "consumer".equals(c.get("Name")))
                        .forEach(c -> consumerEnv.putAll(environment(c))));
        assertThat(consumerEnv).containsEntry("VIGIL_RETRIEVAL", "FANOUT");
        assertThat(fanOut.resources("AWS::IAM::Policy").toString()).contains("kinesis:SubscribeToShard")
                .contains("kinesis:RegisterStreamConsumer");
        assertThat(vigil.resources("AWS::IAM::Policy").toString()).doesNotContain("kinesis:SubscribeToShard");
    }

    @Test
    void shouldScaleTheConsumerOnCpuAndOnIteratorAgeWithinTheShardCount() {
        Map<String, Object> target = properties(only("AWS::ApplicationAutoScaling::ScalableTarget"));
        assertThat(target).containsEntry("MinCapacity", 1).containsEntry("MaxCapacity", 2)
                .containsEntry("ScalableDimension", "ecs:service:DesiredCount");
        Map<String, String> policyTypes = vigil.resources("AWS::ApplicationAutoScaling::ScalingPolicy").entrySet()
                .stream().collect(Collectors.toMap(Map.Entry::getKey, e -> (String) properties(e.getValue())
                        .get("PolicyType")));
        assertThat(policyTypes.values()).contains("TargetTrackingScaling", "StepScaling");
        vigil.template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Map.of(
                "TargetTrackingScalingPolicyConfiguration", Match.objectLike(Map.of(
                        "PredefinedMetricSpecification",
                        Map.of("PredefinedMetricType", "ECSServiceAverageCPUUtilization")))));
        // The step policies are driven by alarms on the stream's iterator age.
        long scalingAlarms = vigil.resources("AWS::CloudWatch::Alarm").values().stream()
                .map(SynthesizedVigil::properties)
                .filter(a -> "GetRecords.IteratorAgeMilliseconds".equals(a.get("MetricName")))
                .filter(a -> String.valueOf(a.get("AlarmActions")).contains("IteratorAge"))
                .count();
        assertThat(scalingAlarms).isEqualTo(2);
    }

    @Test
    void shouldServeTheApiOnlyOverHttpsWithTheCertificateParameterAndModernTls() {
        assertThat(vigil.resources("AWS::ElasticLoadBalancingV2::Listener")).hasSize(1);
        Map<String, Object> listener = properties(only("AWS::ElasticLoadBalancingV2::Listener"));
        assertThat(listener).containsEntry("Port", 443).containsEntry("Protocol", "HTTPS")
                .containsEntry("SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06")
                .containsEntry("Certificates", List.of(Map.of("CertificateArn", Map.of("Ref", "CertificateArn"))));
        assertThat(map(vigil.json.get("Parameters"))).containsKeys("CertificateArn", "ConsumerImageTag",
                "DashboardImageTag", "ApiAllowedCidr");
        Map<String, Object> lb = properties(only("AWS::ElasticLoadBalancingV2::LoadBalancer"));
        assertThat(lb.get("Scheme")).isEqualTo("internal");
        assertThat(list(lb.get("LoadBalancerAttributes"))).contains(
                Map.of("Key", "deletion_protection.enabled", "Value", "true"),
                Map.of("Key", "routing.http.drop_invalid_header_fields.enabled", "Value", "true"));
        Map<String, Object> targets = properties(only("AWS::ElasticLoadBalancingV2::TargetGroup"));
        assertThat(targets).containsEntry("Port", 8080).containsEntry("HealthCheckPath", "/health");
    }

    @Test
    void shouldReachAwsOnlyThroughVpcEndpointsAndRecordFlowLogs() {
        // ServiceName is {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".kinesis-streams"]]}
        Set<String> services = vigil.resources("AWS::EC2::VPCEndpoint").values().stream()
                .map(e -> String.valueOf(properties(e).get("ServiceName")))
                .map(name -> name.substring(name.lastIndexOf(", ") + 2).replaceAll("[\\]}]", ""))
                .collect(Collectors.toSet());
        assertThat(services).contains(".dynamodb", ".s3", ".kinesis-streams", ".kms", ".logs", ".ecr.api",
                ".ecr.dkr", ".secretsmanager");
        assertThat(vigil.resources("AWS::EC2::NatGateway")).isEmpty();
        assertThat(vigil.resources("AWS::EC2::InternetGateway")).isEmpty();
        assertThat(properties(only("AWS::EC2::FlowLog"))).containsEntry("TrafficType", "ALL");
    }

    @Test
    void shouldAlarmOnIteratorAgeQuarantineGrowthConsumerErrorsAndApi5xx() {
        Map<String, Map<String, Object>> byName = vigil.resources("AWS::CloudWatch::Alarm").values().stream()
                .map(SynthesizedVigil::properties)
                .filter(a -> a.get("AlarmName") != null)
                .collect(Collectors.toMap(a -> (String) a.get("AlarmName"), a -> a));
        assertThat(byName.keySet()).containsExactlyInAnyOrder("vigil-consumer-behind", "vigil-quarantine-growth",
                "vigil-consumer-errors", "vigil-api-5xx", "vigil-api-lb-5xx");
        assertThat(byName.get("vigil-consumer-behind")).containsEntry("Namespace", "AWS/Kinesis")
                .containsEntry("MetricName", "GetRecords.IteratorAgeMilliseconds").containsEntry("Threshold", 60000);
        assertThat(byName.get("vigil-quarantine-growth")).containsEntry("Namespace", "AWS/DynamoDB")
                .containsEntry("MetricName", "ConsumedWriteCapacityUnits");
        assertThat(String.valueOf(byName.get("vigil-quarantine-growth").get("Dimensions"))).contains("Quarantine");
        assertThat(byName.get("vigil-consumer-errors")).containsEntry("Namespace", OperationalAlarms.METRIC_NAMESPACE)
                .containsEntry("MetricName", OperationalAlarms.CONSUMER_ERRORS_METRIC);
        assertThat(byName.get("vigil-api-5xx")).containsEntry("MetricName", "HTTPCode_Target_5XX_Count");
        assertThat(byName.get("vigil-api-lb-5xx")).containsEntry("MetricName", "HTTPCode_ELB_5XX_Count");
        byName.forEach((name, alarm) ->
                assertThat(list(alarm.get("AlarmActions"))).as("actions of %s", name).hasSize(1));
        Map<String, Object> filter = properties(only("AWS::Logs::MetricFilter"));
        assertThat(String.valueOf(filter.get("FilterPattern"))).contains("level").contains("ERROR");
    }

    private Map<String, Object> only(String type) {
        Map<String, Map<String, Object>> resources = vigil.resources(type);
        assertThat(resources).as(type).hasSize(1);
        return resources.values().iterator().next();
    }

    private static Map<String, Object> environment(Map<String, Object> container) {
        Map<String, Object> env = new HashMap<>();
        for (Object entry : list(container.get("Environment"))) {
            env.put((String) map(entry).get("Name"), map(entry).get("Value"));
        }
        return env;
    }
}
