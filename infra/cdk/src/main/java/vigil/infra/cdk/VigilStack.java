package vigil.infra.cdk;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.constructs.Construct;

/**
 * Vigil in one AWS account and region. Wiring only; each part is its own construct.
 *
 * <p>Stack parameters (changeable per deploy without re-synthesis): {@code CertificateArn} (ACM certificate of the
 * dashboard host name), {@code ConsumerImageTag} and {@code DashboardImageTag} (tags in the ECR repositories named by
 * the {@code vigil:*Repository} context keys) and {@code ApiAllowedCidr} (client network allowed to reach the
 * load balancer).
 */
public final class VigilStack extends Stack {
    final DeploymentSettings settings;
    final EncryptionKeys keys;
    final PrivateNetwork network;
    final DataStores stores;
    final ConsumerService consumer;
    final DashboardService dashboard;
    final OperationalAlarms alarms;

    public VigilStack(Construct scope, String id, StackProps props, DeploymentSettings settings) {
        super(scope, id, props);
        this.settings = settings;
        CfnParameter certificateArn = CfnParameter.Builder.create(this, "CertificateArn")
                .type("String")
                .description("ARN of the ACM certificate for the dashboard API's HTTPS listener")
                .allowedPattern("arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+")
                .build();
        CfnParameter consumerTag = CfnParameter.Builder.create(this, "ConsumerImageTag")
                .type("String")
                .description("Tag of the consumer image in ECR repository " + settings.consumerRepository())
                .build();
        CfnParameter dashboardTag = CfnParameter.Builder.create(this, "DashboardImageTag")
                .type("String")
                .description("Tag of the dashboard-api image in ECR repository " + settings.dashboardRepository())
                .build();
        CfnParameter allowedCidr = CfnParameter.Builder.create(this, "ApiAllowedCidr")
                .type("String")
                .defaultValue("10.0.0.0/8")
                .description("Client network (CIDR) allowed to reach the dashboard API over HTTPS")
                .allowedPattern("[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}")
                .build();

        keys = new EncryptionKeys(this, "Keys", settings);
        network = new PrivateNetwork(this, "Network", settings, keys.ops);
        stores = new DataStores(this, "Data", settings, keys.data);
        Cluster cluster = Cluster.Builder.create(this, "Cluster")
                .vpc(network.vpc)
                .containerInsightsV2(ContainerInsights.ENABLED)
                .build();
        IRepository consumerRepository =
                Repository.fromRepositoryName(this, "ConsumerRepository", settings.consumerRepository());
        IRepository dashboardRepository =
                Repository.fromRepositoryName(this, "DashboardRepository", settings.dashboardRepository());
        consumer = new ConsumerService(this, "Consumer", cluster, network, stores, keys, settings,
                consumerRepository, consumerTag.getValueAsString());
        dashboard = new DashboardService(this, "Dashboard", cluster, network, stores, keys, settings,
                dashboardRepository, dashboardTag.getValueAsString(), certificateArn.getValueAsString(),
                allowedCidr.getValueAsString());
        alarms = new OperationalAlarms(this, "Alarms", settings, keys, stores, consumer, dashboard);

        ManagedPolicy.Builder.create(this, "ProducerPolicy")
                .managedPolicyName(settings.prefix() + "telemetry-producer")
                .description("Attach to the role of a gateway that forwards device telemetry into the stream")
                .statements(TableAccess.producer(stores.stream, keys.data))
                .build();

        CfnOutput.Builder.create(this, "StreamName").value(stores.stream.getStreamName()).build();
        CfnOutput.Builder.create(this, "DashboardEndpoint")
                .value("https://" + dashboard.loadBalancer.getLoadBalancerDnsName())
                .description("Point the certificate's host name (CNAME/alias) here")
                .build();
        CfnOutput.Builder.create(this, "AlarmTopicArn").value(alarms.topic.getTopicArn()).build();
        CfnOutput.Builder.create(this, "JwtSecretArn").value(dashboard.jwtSecret.getSecretArn()).build();
    }
}
