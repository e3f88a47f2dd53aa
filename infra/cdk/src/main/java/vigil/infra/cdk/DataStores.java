package vigil.infra.cdk;

import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;
import vigil.schema.IndexSpec;
import vigil.schema.KeySpec;
import vigil.schema.TableSpec;
import vigil.schema.Tables;

/**
 * The telemetry stream and every DynamoDB table. Vigil's tables are built from {@link Tables#all()}, the same
 * definitions the local stack creates, so a table or index added there appears here without a second edit. Every
 * table: customer-managed KMS key, point-in-time recovery, deletion protection, on-demand capacity, retained when the
 * stack is deleted.
 *
 * <p>The KCL lease table is pre-created here (same schema as KCL's own and as the local stack's) rather than left to
 * KCL: a table KCL creates is encrypted with an AWS-owned key and has neither PITR nor deletion protection, and KCL
 * would need {@code dynamodb:CreateTable}. KCL 3 may also keep coordinator state and worker metrics in two auxiliary
 * tables ({@code <app>-CoordinatorState}, {@code <app>-WorkerMetricStats}); it creates those itself, on the names
 * only, see {@link TableAccess#KCL_AUXILIARY_SUFFIXES}.
 */
final class DataStores extends Construct {
    /** KCL 3's lease-owner index (docs: "DynamoDB lease table", and the local stack's ResourceCreator). */
    static final String LEASE_OWNER_INDEX = "LeaseOwnerToLeaseKeyIndex";

    final Stream stream;
    /** Vigil's tables by {@link TableSpec#baseName()}, in {@link Tables#all()} order. */
    final Map<String, Table> tables = new LinkedHashMap<>();
    final Table leaseTable;
    /**
     * FHIR bulk export files (docs/fhir.md): SSE-KMS with the data key (they hold device data), TLS only, no public
     * access, objects expire after {@link #EXPORT_RETENTION_DAYS} days, retained when the stack is deleted.
     */
    final Bucket exportBucket;
    /** Prefix of the export files, the only part of the bucket the API may touch. */
    static final String EXPORT_PREFIX = "fhir-export/";
    /** A bulk export is fetched by the importing system within hours; a week covers a weekend and a retry. */
    static final int EXPORT_RETENTION_DAYS = 7;

    DataStores(Construct scope, String id, DeploymentSettings settings, IKey dataKey) {
        super(scope, id);
        Stream.Builder stream = Stream.Builder.create(this, "Telemetry")
                .streamName(settings.streamName())
                .encryption(StreamEncryption.KMS)
                .encryptionKey(dataKey)
                .retentionPeriod(Duration.hours(settings.streamRetentionHours()))
                .removalPolicy(RemovalPolicy.RETAIN);
        if (settings.streamMode() == DeploymentSettings.StreamCapacity.PROVISIONED) {
            stream.streamMode(StreamMode.PROVISIONED).shardCount(settings.shardCount());
        } else {
            stream.streamMode(StreamMode.ON_DEMAND);
        }
        this.stream = stream.build();

        for (TableSpec spec : Tables.all()) {
            tables.put(spec.baseName(), table(logicalId(spec.baseName()), spec, settings.prefix(), dataKey,
                    ProjectionType.ALL));
        }
        TableSpec lease = new TableSpec(settings.kclApplicationName(), KeySpec.string("leaseKey"), null,
                java.util.List.of(new IndexSpec(LEASE_OWNER_INDEX, KeySpec.string("leaseOwner"),
                        KeySpec.string("leaseKey"))),
                null);
        leaseTable = table("KclLeases", lease, "", dataKey, ProjectionType.KEYS_ONLY);
        exportBucket = Bucket.Builder.create(this, "FhirExport")
                .encryption(BucketEncryption.KMS)
                .encryptionKey(dataKey)
                .bucketKeyEnabled(true)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(java.util.List.of(LifecycleRule.builder()
                        .prefix(EXPORT_PREFIX)
                        .expiration(Duration.days(EXPORT_RETENTION_DAYS))
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    private Table table(String id, TableSpec spec, String prefix, IKey key, ProjectionType projection) {
        Table.Builder builder = Table.Builder.create(this, id)
                .tableName(spec.nameWith(prefix))
                .partitionKey(attribute(spec.partitionKey()))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.CUSTOMER_MANAGED)
                .encryptionKey(key)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.RETAIN);
        if (spec.sortKey() != null) {
            builder.sortKey(attribute(spec.sortKey()));
        }
        if (spec.ttlAttribute() != null) {
            builder.timeToLiveAttribute(spec.ttlAttribute());
        }
        if (spec.changeStream()) {
            builder.stream(StreamViewType.NEW_IMAGE); // followed by the API's event stream / the consumer's settings
        }
        Table table = builder.build();
        for (IndexSpec index : spec.indexes()) {
            GlobalSecondaryIndexProps.Builder gsi = GlobalSecondaryIndexProps.builder()
                    .indexName(index.name())
                    .partitionKey(attribute(index.partitionKey()))
                    .projectionType(projection);
            if (index.sortKey() != null) {
                gsi.sortKey(attribute(index.sortKey()));
            }
            table.addGlobalSecondaryIndex(gsi.build());
        }
        return table;
    }

    private static Attribute attribute(KeySpec key) {
        return Attribute.builder()
                .name(key.name())
                .type(switch (key.type()) {
                    case STRING -> software.amazon.awscdk.services.dynamodb.AttributeType.STRING;
                    case NUMBER -> software.amazon.awscdk.services.dynamodb.AttributeType.NUMBER;
                })
                .build();
    }

    /** {@code device-state} becomes {@code DeviceStateTable}: stable logical ids, independent of the prefix. */
    static String logicalId(String baseName) {
        StringBuilder id = new StringBuilder();
        for (String part : baseName.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return id.append("Table").toString();
    }
}
