package vigil.infra.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentType;
import software.amazon.awscdk.services.applicationautoscaling.BasicStepScalingPolicyProps;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.applicationautoscaling.ScalingInterval;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The KCL consumer on Fargate: one worker per task, {@code consumerMinTasks..consumerMaxTasks} tasks, scaled on CPU
 * and on the stream's GetRecords iterator age (how far the workers are behind the newest record). KCL balances shard
 * leases over however many workers run; see docs/deploy.md, "Scaling".
 */
final class ConsumerService extends Construct {
    final FargateService service;
    final LogGroup logGroup;

    /**
     * The consumer's settings. The lease settings equal the consumer's own defaults; they are spelled out so that the
     * template says what a deployment runs with (docs/consumer.md, "Takeover after a worker dies": 7.5-10.4 s from a
     * SIGKILL to every shard processing again; their lease-table cost is in "What the short lease settings cost").
     */
    static Map<String, String> environment(DataStores stores, DeploymentSettings settings) {
        return Map.ofEntries(
                Map.entry("VIGIL_STREAM", stores.stream.getStreamName()),
                Map.entry("VIGIL_APP_NAME", settings.kclApplicationName()),
                Map.entry("VIGIL_REGION", Aws.REGION),
                Map.entry("VIGIL_TABLE_PREFIX", settings.prefix()),
                Map.entry("VIGIL_INITIAL_POSITION", "TRIM_HORIZON"),
                Map.entry("VIGIL_FAILOVER_MS", "3000"),
                Map.entry("VIGIL_LEASE_ASSIGNMENT", "LEASE_COUNT_BASED"),
                Map.entry("VIGIL_LEASE_ASSIGNMENT_INTERVAL_MS", "1000"),
                Map.entry("VIGIL_LEADER_LEASE_MS", "6000"),
                Map.entry("VIGIL_WORKER_REPORT_MS", "2000"),
                Map.entry("VIGIL_RETRIEVAL", settings.enhancedFanOut() ? "FANOUT" : "POLLING"));
    }

    ConsumerService(Construct scope, String id, Cluster cluster, PrivateNetwork network, DataStores stores,
            EncryptionKeys keys, DeploymentSettings settings, IRepository repository, String imageTag) {
        super(scope, id);
        logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(settings.logRetention())
                .encryptionKey(keys.ops)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, "Task")
                .cpu(1024)
                .memoryLimitMiB(2048)
                .runtimePlatform(Workloads.LINUX_X86_64)
                .build();
        task.addContainer("consumer", ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromEcrRepository(repository, imageTag))
                .essential(true)
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                        .logGroup(logGroup)
                        .streamPrefix("consumer")
                        .build()))
                .environment(environment(stores, settings))
                // KCL's graceful shutdown checkpoints and hands leases over; give it time before SIGKILL.
                .stopTimeout(Duration.seconds(60))
                .build());
        for (var statement : TableAccess.consumer(stores.stream, stores, keys.data, settings)) {
            task.addToTaskRolePolicy(statement);
        }

        SecurityGroup securityGroup = SecurityGroup.Builder.create(this, "SecurityGroup")
                .vpc(network.vpc)
                .description("Vigil consumer: no inbound; outbound HTTPS to the VPC endpoints only")
                .allowAllOutbound(false)
                .build();
        securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "AWS APIs through VPC endpoints (no NAT)");

        service = FargateService.Builder.create(this, "Service")
                .cluster(cluster)
                .taskDefinition(task)
                .desiredCount(settings.consumerMinTasks())
                .vpcSubnets(network.workloadSubnets)
                .securityGroups(List.of(securityGroup))
                .assignPublicIp(false)
                .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
                .minHealthyPercent(100)
                .maxHealthyPercent(200)
                .build();

        ScalableTaskCount scaling = service.autoScaleTaskCount(EnableScalingProps.builder()
                .minCapacity(settings.consumerMinTasks())
                .maxCapacity(settings.consumerMaxTasks())
                .build());
        scaling.scaleOnCpuUtilization("Cpu", CpuUtilizationScalingProps.builder()
                .targetUtilizationPercent(60)
                .scaleOutCooldown(Duration.minutes(2))
                .scaleInCooldown(Duration.minutes(10))
                .build());
        scaling.scaleOnMetric("IteratorAge", BasicStepScalingPolicyProps.builder()
                .metric(iteratorAge(stores, Duration.minutes(1)))
                .adjustmentType(AdjustmentType.CHANGE_IN_CAPACITY)
                .scalingSteps(List.of(
                        // Caught up (< 5 s behind): give one worker back.
                        ScalingInterval.builder().upper(5_000).change(-1).build(),
                        // More than 30 s behind: add a worker; more than 2 min behind: add two.
                        ScalingInterval.builder().lower(30_000).change(1).build(),
                        ScalingInterval.builder().lower(120_000).change(2).build()))
                .cooldown(Duration.minutes(3))
                .evaluationPeriods(3)
                .build());
    }

    /** Age of the oldest record the workers fetched (Kinesis GetRecords.IteratorAgeMilliseconds, maximum). */
    static Metric iteratorAge(DataStores stores, Duration period) {
        return stores.stream.metricGetRecordsIteratorAgeMilliseconds(MetricOptions.builder()
                .statistic("Maximum")
                .period(period)
                .build());
    }
}
