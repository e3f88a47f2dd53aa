package vigil.demo;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;

/**
 * The same end-to-end scenario as {@link EndToEndIT}, against LocalStack in a container (Testcontainers). Opt-in:
 * {@code ./mvnw -B verify -Plocalstack}. Without a Docker engine it is skipped with a message, never faked.
 */
class EndToEndLocalStackIT {
    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4");

    @Test
    void shouldShowEveryDevicesLastSentSeqThroughTheApiOnLocalStack() throws Exception {
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        String skipped = "No Docker engine found: the LocalStack end-to-end test is skipped (not faked). "
                + "Run it where Docker runs: ./mvnw -B verify -Plocalstack";
        if (!docker) {
            System.err.println(skipped);
        }
        Assumptions.assumeTrue(docker, skipped);
        try (LocalStackContainer localstack = new LocalStackContainer(IMAGE)
                .withServices(LocalStackContainer.Service.KINESIS, LocalStackContainer.Service.DYNAMODB)) {
            localstack.start();
            URI kinesisEndpoint = localstack.getEndpointOverride(LocalStackContainer.Service.KINESIS);
            URI dynamoEndpoint = localstack.getEndpointOverride(LocalStackContainer.Service.DYNAMODB);
            AwsCredentialsProvider credentials = StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
            Region region = Region.of(localstack.getRegion());
            LocalAwsConfig config = LocalAwsConfig.defaults();
            try (KinesisClient kinesis = KinesisClient.builder().endpointOverride(kinesisEndpoint).region(region)
                            .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
                    DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(dynamoEndpoint).region(region)
                            .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder())
                            .build()) {
                LocalAws.createTables(dynamo, config);
                LocalAws.createStream(kinesis, config);
                EndToEndScenario.Stack stack = new EndToEndScenario.Stack(kinesisEndpoint, dynamoEndpoint,
                        config.streamName(), config.tablePrefix(), kinesis, dynamo, credentials);
                EndToEndScenario.Figures figures =
                        EndToEndScenario.run(stack, 60, 40, 10_000, 1_000, Duration.ofSeconds(300), false);
                EndToEndScenario.print("LocalStack", figures);
            }
        }
    }
}
