package vigil.infra.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import vigil.schema.AttributeType;
import vigil.schema.IndexSpec;
import vigil.schema.KeySpec;
import vigil.schema.TableSpec;

/** Creates the telemetry stream and every table of {@link vigil.schema.Tables}, and waits until they are active. */
final class ResourceCreator {
    private ResourceCreator() {}

    static void createTable(DynamoDbClient dynamo, TableSpec spec, String prefix) {
        createTable(dynamo, spec, prefix, ProjectionType.ALL);
    }

    private static void createTable(DynamoDbClient dynamo, TableSpec spec, String prefix, ProjectionType projection) {
        String name = spec.nameWith(prefix);
        Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();
        List<KeySchemaElement> key = keySchema(spec.partitionKey(), spec.sortKey(), attributes);
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (IndexSpec index : spec.indexes()) {
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(index.name())
                    .keySchema(keySchema(index.partitionKey(), index.sortKey(), attributes))
                    .projection(Projection.builder().projectionType(projection).build())
                    .build());
        }
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .keySchema(key)
                .attributeDefinitions(attributes.values())
                .billingMode(BillingMode.PAY_PER_REQUEST);
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        if (spec.changeStream()) {
            request.streamSpecification(StreamSpecification.builder()
                    .streamEnabled(true)
                    .streamViewType(StreamViewType.NEW_IMAGE)
                    .build());
        }
        try {
            dynamo.createTable(request.build());
        } catch (ResourceInUseException e) {
            // Already there (a restarted stack on the same port): fine, creation is idempotent.
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
        if (spec.ttlAttribute() != null) {
            dynamo.updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(TimeToLiveSpecification.builder()
                    .attributeName(spec.ttlAttribute())
                    .enabled(true)
                    .build()));
        }
    }

    private static List<KeySchemaElement> keySchema(
            KeySpec partition, KeySpec sort, Map<String, AttributeDefinition> attributes) {
        List<KeySchemaElement> key = new ArrayList<>();
        key.add(element(partition, KeyType.HASH, attributes));
        if (sort != null) {
            key.add(element(sort, KeyType.RANGE, attributes));
        }
        return key;
    }

    private static KeySchemaElement element(KeySpec spec, KeyType type, Map<String, AttributeDefinition> attributes) {
        attributes.put(spec.name(), AttributeDefinition.builder()
                .attributeName(spec.name())
                .attributeType(spec.type() == AttributeType.STRING ? ScalarAttributeType.S : ScalarAttributeType.N)
                .build());
        return KeySchemaElement.builder().attributeName(spec.name()).keyType(type).build();
    }

    /**
     * Creates a KCL 3.x lease table with the schema KCL itself gives it (hash key {@code leaseKey}, index
     * {@code LeaseOwnerToLeaseKeyIndex} on {@code leaseOwner} + {@code leaseKey}, keys only). Local start-up
     * optimisation only: KCL creates the index with UpdateTable and then polls its status every 10 s, which costs
     * each local start about 10 s. In AWS, KCL creates its own table (docs/local-aws.md).
     */
    static void createKclLeaseTable(DynamoDbClient dynamo, String applicationName) {
        TableSpec lease = new TableSpec(
                applicationName,
                KeySpec.string("leaseKey"),
                null,
                List.of(new IndexSpec("LeaseOwnerToLeaseKeyIndex", KeySpec.string("leaseOwner"),
                        KeySpec.string("leaseKey"))),
                null);
        createTable(dynamo, lease, "", ProjectionType.KEYS_ONLY);
    }

    static void createStream(KinesisClient kinesis, String stream, int shards, Duration timeout) {
        try {
            kinesis.describeStreamSummary(b -> b.streamName(stream));
        } catch (ResourceNotFoundException e) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        }
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (kinesis.describeStreamSummary(b -> b.streamName(stream))
                        .streamDescriptionSummary()
                        .streamStatus()
                != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadlineNanos) {
                throw new LocalAwsException("stream " + stream + " not ACTIVE within " + timeout);
            }
            sleep(50);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalAwsException("interrupted", e);
        }
    }
}
