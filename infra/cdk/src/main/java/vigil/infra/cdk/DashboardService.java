package vigil.infra.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddApplicationTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The dashboard API on Fargate behind an HTTPS-only Application Load Balancer. TLS (1.2 and 1.3 only) ends at the
 * load balancer with the ACM certificate given as a stack parameter; there is no plaintext listener. The HS256 JWT
 * key is generated into Secrets Manager (encrypted with the data key) and injected by ECS, so it never appears in the
 * template, the task definition or the logs.
 */
final class DashboardService extends Construct {
    static final int CONTAINER_PORT = 8080;

    final FargateService service;
    final ApplicationLoadBalancer loadBalancer;
    final ApplicationListener httpsListener;
    final LogGroup logGroup;
    final software.amazon.awscdk.services.secretsmanager.Secret jwtSecret;

    DashboardService(Construct scope, String id, Cluster cluster, PrivateNetwork network, DataStores stores,
            EncryptionKeys keys, DeploymentSettings settings, IRepository repository, String imageTag,
            String certificateArn, String allowedClientCidr) {
        super(scope, id);
        jwtSecret = software.amazon.awscdk.services.secretsmanager.Secret.Builder.create(this, "JwtSecret")
                .description("Vigil dashboard API: HS256 key for bearer tokens (VIGIL_JWT_SECRET)")
                .encryptionKey(keys.data)
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(64)
                        .excludePunctuation(true)
                        .build())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(settings.logRetention())
                .encryptionKey(keys.ops)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, "Task")
                .cpu(512)
                .memoryLimitMiB(1024)
                .runtimePlatform(Workloads.LINUX_X86_64)
                .build();
        task.addContainer("dashboard-api", ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromEcrRepository(repository, imageTag))
                .essential(true)
                .portMappings(List.of(PortMapping.builder().containerPort(CONTAINER_PORT).build()))
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                        .logGroup(logGroup)
                        .streamPrefix("dashboard-api")
                        .build()))
                .environment(Map.of(
                        "VIGIL_API_HOST", "0.0.0.0",
                        "VIGIL_API_PORT", Integer.toString(CONTAINER_PORT),
                        "VIGIL_TABLE_PREFIX", settings.prefix(),
                        "VIGIL_REGION", Aws.REGION,
                        "VIGIL_FHIR_EXPORT_BUCKET", stores.exportBucket.getBucketName(),
                        "VIGIL_FHIR_EXPORT_KMS_KEY", keys.data.getKeyArn()))
                .secrets(Map.of("VIGIL_JWT_SECRET", Secret.fromSecretsManager(jwtSecret)))
                .stopTimeout(Duration.seconds(30))
                .build());
        for (var statement : TableAccess.dashboard(stores, keys.data)) {
            task.addToTaskRolePolicy(statement);
        }

        SecurityGroup albSecurityGroup = SecurityGroup.Builder.create(this, "LoadBalancerSecurityGroup")
                .vpc(network.vpc)
                .description("Vigil dashboard load balancer: HTTPS from the allowed client network only")
                .allowAllOutbound(false)
                .build();
        SecurityGroup taskSecurityGroup = SecurityGroup.Builder.create(this, "TaskSecurityGroup")
                .vpc(network.vpc)
                .description("Vigil dashboard API: inbound from the load balancer only; outbound HTTPS to endpoints")
                .allowAllOutbound(false)
                .build();
        taskSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "AWS APIs through VPC endpoints (no NAT)");

        loadBalancer = ApplicationLoadBalancer.Builder.create(this, "LoadBalancer")
                .vpc(network.vpc)
                .vpcSubnets(network.loadBalancerSubnets)
                .internetFacing(settings.internetFacingApi())
                .securityGroup(albSecurityGroup)
                .deletionProtection(true)
                .dropInvalidHeaderFields(true)
                .build();
        httpsListener = loadBalancer.addListener("Https", BaseApplicationListenerProps.builder()
                .port(443)
                .protocol(ApplicationProtocol.HTTPS)
                .certificates(List.of(ListenerCertificate.fromArn(certificateArn)))
                .sslPolicy(SslPolicy.RECOMMENDED_TLS)
                .open(false)
                .build());
        albSecurityGroup.addIngressRule(Peer.ipv4(allowedClientCidr), Port.tcp(443), "clients of the dashboard");

        service = FargateService.Builder.create(this, "Service")
                .cluster(cluster)
                .taskDefinition(task)
                .desiredCount(settings.apiTasks())
                .vpcSubnets(network.workloadSubnets)
                .securityGroups(List.of(taskSecurityGroup))
                .assignPublicIp(false)
                .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
                .minHealthyPercent(100)
                .maxHealthyPercent(200)
                .healthCheckGracePeriod(Duration.seconds(60))
                .build();
        httpsListener.addTargets("Api", AddApplicationTargetsProps.builder()
                .port(CONTAINER_PORT)
                .protocol(ApplicationProtocol.HTTP)
                .targets(List.of(service))
                .healthCheck(HealthCheck.builder()
                        .path("/health")
                        .healthyHttpCodes("200")
                        .interval(Duration.seconds(15))
                        .build())
                .deregistrationDelay(Duration.seconds(30))
                .build());
    }
}
