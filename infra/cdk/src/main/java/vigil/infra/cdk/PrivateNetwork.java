package vigil.infra.cdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * A VPC whose workload subnets have no route to the internet (no NAT gateway): the tasks reach AWS only through
 * VPC endpoints (gateway endpoints for DynamoDB and S3, the latter for ECR image layers; interface endpoints for
 * Kinesis, KMS, CloudWatch Logs, ECR and Secrets Manager). Public subnets exist only when the API is internet-facing,
 * and then hold only the load balancer. All traffic is recorded in VPC flow logs.
 */
final class PrivateNetwork extends Construct {
    final Vpc vpc;
    final SubnetSelection workloadSubnets = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build();
    final SubnetSelection loadBalancerSubnets;

    PrivateNetwork(Construct scope, String id, DeploymentSettings settings, IKey opsKey) {
        super(scope, id);
        LogGroup flowLogs = LogGroup.Builder.create(this, "FlowLogs")
                .retention(settings.logRetention())
                .encryptionKey(opsKey)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        List<SubnetConfiguration> subnets = new ArrayList<>();
        subnets.add(SubnetConfiguration.builder()
                .name("workload")
                .subnetType(SubnetType.PRIVATE_ISOLATED)
                .cidrMask(22)
                .build());
        if (settings.internetFacingApi()) {
            subnets.add(SubnetConfiguration.builder()
                    .name("edge")
                    .subnetType(SubnetType.PUBLIC)
                    .cidrMask(26)
                    .mapPublicIpOnLaunch(false)
                    .build());
        }
        vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr("10.40.0.0/16"))
                .maxAzs(2)
                .natGateways(0)
                .subnetConfiguration(subnets)
                .gatewayEndpoints(Map.of(
                        "DynamoDb", GatewayVpcEndpointOptions.builder()
                                .service(GatewayVpcEndpointAwsService.DYNAMODB)
                                .subnets(List.of(workloadSubnets))
                                .build(),
                        "S3", GatewayVpcEndpointOptions.builder()
                                .service(GatewayVpcEndpointAwsService.S3)
                                .subnets(List.of(workloadSubnets))
                                .build()))
                .flowLogs(Map.of("All", FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                        .trafficType(FlowLogTrafficType.ALL)
                        .build()))
                .build();
        loadBalancerSubnets = settings.internetFacingApi()
                ? SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build()
                : workloadSubnets;
        endpoint("Kinesis", InterfaceVpcEndpointAwsService.KINESIS_STREAMS);
        endpoint("Kms", InterfaceVpcEndpointAwsService.KMS);
        endpoint("Logs", InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS);
        endpoint("EcrApi", InterfaceVpcEndpointAwsService.ECR);
        endpoint("EcrDocker", InterfaceVpcEndpointAwsService.ECR_DOCKER);
        endpoint("SecretsManager", InterfaceVpcEndpointAwsService.SECRETS_MANAGER);
    }

    private void endpoint(String id, InterfaceVpcEndpointAwsService service) {
        vpc.addInterfaceEndpoint(id, InterfaceVpcEndpointOptions.builder()
                .service(service)
                .subnets(workloadSubnets)
                .privateDnsEnabled(true)
                .build());
    }
}
