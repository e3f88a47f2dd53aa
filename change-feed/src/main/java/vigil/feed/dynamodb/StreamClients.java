package vigil.feed.dynamodb;

import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbServiceClientConfiguration;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClientBuilder;

/**
 * A streams client for the same endpoint, region and credentials as a table client, so that every caller that
 * already has a DynamoDB client (tests, the local stack, the services) gets its stream reader without new settings.
 */
public final class StreamClients {
    private StreamClients() {}

    public static DynamoDbStreamsClient like(DynamoDbClient dynamo) {
        return like(dynamo.serviceClientConfiguration());
    }

    public static DynamoDbStreamsClient like(DynamoDbAsyncClient dynamo) {
        return like(dynamo.serviceClientConfiguration());
    }

    private static DynamoDbStreamsClient like(DynamoDbServiceClientConfiguration c) {
        DynamoDbStreamsClientBuilder builder = DynamoDbStreamsClient.builder()
                .region(c.region())
                .httpClientBuilder(ApacheHttpClient.builder());
        c.endpointOverride().ifPresent(builder::endpointOverride);
        if (c.credentialsProvider() != null) {
            builder.credentialsProvider(c.credentialsProvider());
        }
        return builder.build();
    }
}
