package vigil.consumer;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.KinesisClientUtil;

/**
 * The consumer's AWS clients. With an endpoint override (a local emulator) Kinesis is spoken over HTTP/1.1 and
 * without CBOR, which is what kinesalite understands (docs/local-aws.md); against AWS, KCL's recommended settings.
 */
public final class AwsClients implements AutoCloseable {
    private final KinesisAsyncClient kinesis;
    private final DynamoDbAsyncClient dynamo;
    private final CloudWatchAsyncClient cloudWatch;

    private AwsClients(KinesisAsyncClient kinesis, DynamoDbAsyncClient dynamo, CloudWatchAsyncClient cloudWatch) {
        this.kinesis = kinesis;
        this.dynamo = dynamo;
        this.cloudWatch = cloudWatch;
    }

    public static AwsClients create(ConsumerConfig config, AwsCredentialsProvider credentials) {
        Region region = Region.of(config.region());
        var kinesisBuilder = KinesisAsyncClient.builder().region(region).credentialsProvider(credentials);
        if (config.kinesisEndpoint() != null) {
            System.setProperty("aws.cborEnabled", "false");
            kinesisBuilder.endpointOverride(config.kinesisEndpoint()).httpClientBuilder(NettyNioAsyncHttpClient.builder()
                    .protocol(Protocol.HTTP1_1)
                    .maxConcurrency(100)
                    .connectionAcquisitionTimeout(Duration.ofSeconds(30)));
        } else {
            kinesisBuilder = KinesisClientUtil.adjustKinesisClientBuilder(kinesisBuilder);
        }
        var dynamoBuilder = DynamoDbAsyncClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(100)
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30)));
        if (config.dynamoDbEndpoint() != null) {
            dynamoBuilder.endpointOverride(config.dynamoDbEndpoint());
        }
        var cloudWatchBuilder = CloudWatchAsyncClient.builder().region(region).credentialsProvider(credentials);
        if (config.kinesisEndpoint() != null) {
            // KCL's builder needs a client; its metrics go to a NullMetricsFactory, so this one is never called.
            cloudWatchBuilder.endpointOverride(URI.create("http://127.0.0.1:9"));
        }
        KinesisAsyncClient kinesis = kinesisBuilder.build();
        if (config.kinesisEndpoint() != null) {
            kinesis = EmulatorChildShards.wrap(kinesis); // the local emulator omits ChildShards at a shard's end
        }
        return new AwsClients(kinesis, dynamoBuilder.build(), cloudWatchBuilder.build());
    }

    public KinesisAsyncClient kinesis() {
        return kinesis;
    }

    public DynamoDbAsyncClient dynamo() {
        return dynamo;
    }

    public CloudWatchAsyncClient cloudWatch() {
        return cloudWatch;
    }

    @Override
    public void close() {
        kinesis.close();
        dynamo.close();
        cloudWatch.close();
    }
}
