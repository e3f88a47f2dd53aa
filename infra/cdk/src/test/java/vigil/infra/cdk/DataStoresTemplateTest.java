package vigil.infra.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.infra.cdk.SynthesizedVigil.list;
import static vigil.infra.cdk.SynthesizedVigil.map;
import static vigil.infra.cdk.SynthesizedVigil.properties;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.schema.IndexSpec;
import vigil.schema.KeySpec;
import vigil.schema.TableSpec;
import vigil.schema.Tables;

/** The stream and the tables: one source of truth for the schema, and encryption, PITR, deletion protection. */
class DataStoresTemplateTest {
    private final SynthesizedVigil vigil = SynthesizedVigil.defaults();

    @Test
    void shouldDefineEveryTableOfTheSchemaWithTheSameKeysAndIndexes() {
        Map<String, Map<String, Object>> byName = tablesByName();
        for (TableSpec spec : Tables.all()) {
            String name = spec.nameWith(Tables.DEFAULT_PREFIX);
            assertThat(byName).as("table %s", name).containsKey(name);
            Map<String, Object> table = byName.get(name);
            assertThat(table.get("KeySchema")).as("key schema of %s", name)
                    .isEqualTo(keySchema(spec.partitionKey(), spec.sortKey()));
            List<Object> indexes = list(table.get("GlobalSecondaryIndexes"));
            assertThat(indexes).as("indexes of %s", name).hasSize(spec.indexes().size());
            for (IndexSpec index : spec.indexes()) {
                assertThat(indexes).as("index %s of %s", index.name(), name).contains(Map.of(
                        "IndexName", index.name(),
                        "KeySchema", keySchema(index.partitionKey(), index.sortKey()),
                        "Projection", Map.of("ProjectionType", "ALL")));
            }
            assertThat(attributeTypes(table)).as("attribute types of %s", name).isEqualTo(expectedTypes(spec));
        }
    }

    @Test
    void shouldDefineNoTablesBeyondTheSchemaAndTheKclLeaseTable() {
        List<String> expected = new ArrayList<>();
        Tables.all().forEach(spec -> expected.add(spec.nameWith(Tables.DEFAULT_PREFIX)));
        expected.add("vigil-consumer");
        assertThat(tablesByName().keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void shouldExpireItemsByTtlExactlyWhereTheSchemaSaysTheyExpire() {
        Map<String, Map<String, Object>> byName = tablesByName();
        for (TableSpec spec : Tables.all()) {
            Map<String, Object> ttl = map(byName.get(spec.nameWith(Tables.DEFAULT_PREFIX)).get("TimeToLiveSpecification"));
            if (spec.ttlAttribute() == null) {
                assertThat(ttl).as("TTL of %s", spec.baseName()).isEmpty();
            } else {
                assertThat(ttl).as("TTL of %s", spec.baseName())
                        .isEqualTo(Map.of("AttributeName", spec.ttlAttribute(), "Enabled", true));
            }
        }
    }

    @Test
    void shouldStreamChangesExactlyOfTheTablesOthersFollow() {
        Map<String, Map<String, Object>> byName = tablesByName();
        for (TableSpec spec : Tables.all()) {
            Map<String, Object> stream =
                    map(byName.get(spec.nameWith(Tables.DEFAULT_PREFIX)).get("StreamSpecification"));
            if (spec.changeStream()) {
                assertThat(stream).as("stream of %s", spec.baseName())
                        .isEqualTo(Map.of("StreamViewType", "NEW_IMAGE"));
            } else {
                assertThat(stream).as("stream of %s", spec.baseName()).isEmpty();
            }
        }
        assertThat(Tables.all().stream().filter(TableSpec::changeStream).map(TableSpec::baseName))
                .containsExactlyInAnyOrder("device-state", "alerts", "settings");
    }

    @Test
    void shouldEncryptEveryTableWithACustomerManagedKeyAndKeepPitrAndDeletionProtectionOn() {
        Map<String, Map<String, Object>> tables = vigil.resources("AWS::DynamoDB::Table");
        assertThat(tables).isNotEmpty();
        for (var e : tables.entrySet()) {
            Map<String, Object> p = properties(e.getValue());
            Map<String, Object> sse = map(p.get("SSESpecification"));
            assertThat(sse.get("SSEEnabled")).as("SSE of %s", e.getKey()).isEqualTo(true);
            assertThat(sse.get("SSEType")).as("SSE type of %s", e.getKey()).isEqualTo("KMS");
            assertThat(isCustomerManagedKey(sse.get("KMSMasterKeyId"))).as("CMK of %s", e.getKey()).isTrue();
            assertThat(map(p.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled"))
                    .as("PITR of %s", e.getKey()).isEqualTo(true);
            assertThat(p.get("DeletionProtectionEnabled")).as("deletion protection of %s", e.getKey())
                    .isEqualTo(true);
            assertThat(e.getValue().get("DeletionPolicy")).as("deletion policy of %s", e.getKey()).isEqualTo("Retain");
            assertThat(p.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
        }
    }

    @Test
    void shouldPreCreateTheKclLeaseTableWithKclsSchema() {
        Map<String, Object> lease = tablesByName().get("vigil-consumer");
        assertThat(lease.get("KeySchema")).isEqualTo(List.of(Map.of("AttributeName", "leaseKey", "KeyType", "HASH")));
        assertThat(list(lease.get("GlobalSecondaryIndexes"))).containsExactly(Map.of(
                "IndexName", "LeaseOwnerToLeaseKeyIndex",
                "KeySchema", List.of(
                        Map.of("AttributeName", "leaseOwner", "KeyType", "HASH"),
                        Map.of("AttributeName", "leaseKey", "KeyType", "RANGE")),
                "Projection", Map.of("ProjectionType", "KEYS_ONLY")));
    }

    @Test
    void shouldEncryptTheStreamWithACustomerManagedKeyOnProvisionedShardsByDefault() {
        Map<String, Map<String, Object>> streams = vigil.resources("AWS::Kinesis::Stream");
        assertThat(streams).hasSize(1);
        Map<String, Object> stream = streams.values().iterator().next();
        Map<String, Object> p = properties(stream);
        assertThat(p.get("Name")).isEqualTo("vigil-telemetry");
        Map<String, Object> encryption = map(p.get("StreamEncryption"));
        assertThat(encryption.get("EncryptionType")).isEqualTo("KMS");
        assertThat(isCustomerManagedKey(encryption.get("KeyId"))).isTrue();
        assertThat(p.get("ShardCount")).isEqualTo(2);
        assertThat(p.get("StreamModeDetails")).isEqualTo(Map.of("StreamMode", "PROVISIONED"));
        assertThat(p.get("RetentionPeriodHours")).isEqualTo(168);
        assertThat(stream.get("DeletionPolicy")).isEqualTo("Retain");
    }

    @Test
    void shouldRotateEveryKmsKeyAndRetainIt() {
        Map<String, Map<String, Object>> keys = vigil.resources("AWS::KMS::Key");
        assertThat(keys).hasSize(2);
        keys.forEach((id, key) -> {
            assertThat(properties(key).get("EnableKeyRotation")).as("rotation of %s", id).isEqualTo(true);
            assertThat(key.get("DeletionPolicy")).as("deletion policy of %s", id).isEqualTo("Retain");
        });
    }

    @Test
    void shouldEncryptEveryLogGroupTheSecretAndTheAlarmTopicAndBoundLogRetention() {
        Map<String, Map<String, Object>> logGroups = vigil.resources("AWS::Logs::LogGroup");
        assertThat(logGroups).hasSizeGreaterThanOrEqualTo(3); // consumer, dashboard-api, VPC flow logs
        logGroups.forEach((id, group) -> {
            assertThat(isCustomerManagedKey(properties(group).get("KmsKeyId"))).as("CMK of %s", id).isTrue();
            assertThat(properties(group).get("RetentionInDays")).as("retention of %s", id).isEqualTo(365);
        });
        vigil.resources("AWS::SecretsManager::Secret").forEach((id, secret) ->
                assertThat(isCustomerManagedKey(properties(secret).get("KmsKeyId"))).as("CMK of %s", id).isTrue());
        assertThat(vigil.resources("AWS::SecretsManager::Secret")).hasSize(1);
        vigil.resources("AWS::SNS::Topic").forEach((id, topic) ->
                assertThat(isCustomerManagedKey(properties(topic).get("KmsMasterKeyId"))).as("CMK of %s", id).isTrue());
    }

    /** A reference to a KMS key defined in this template ({"Fn::GetAtt": [id, "Arn"]} or {"Ref": id}). */
    @Test
    void shouldKeepFhirExportsInOneBucketWithSseKmsTlsOnlyNoPublicAccessAndExpiry() {
        Map<String, Map<String, Object>> buckets = vigil.resources("AWS::S3::Bucket");
        assertThat(buckets).hasSize(1);
        Map<String, Object> bucket = buckets.values().iterator().next();
        Map<String, Object> p = properties(bucket);
        Map<String, Object> rule = map(list(map(p.get("BucketEncryption")).get("ServerSideEncryptionConfiguration"))
                .get(0));
        Map<String, Object> sse = map(rule.get("ServerSideEncryptionByDefault"));
        assertThat(sse.get("SSEAlgorithm")).isEqualTo("aws:kms");
        assertThat(isCustomerManagedKey(sse.get("KMSMasterKeyID"))).as("the data key").isTrue();
        assertThat(map(p.get("PublicAccessBlockConfiguration"))).containsEntry("BlockPublicAcls", true)
                .containsEntry("BlockPublicPolicy", true).containsEntry("IgnorePublicAcls", true)
                .containsEntry("RestrictPublicBuckets", true);
        Map<String, Object> expiry = map(list(map(p.get("LifecycleConfiguration")).get("Rules")).get(0));
        assertThat(expiry).containsEntry("ExpirationInDays", DataStores.EXPORT_RETENTION_DAYS)
                .containsEntry("Prefix", DataStores.EXPORT_PREFIX);
        assertThat(bucket.get("DeletionPolicy")).isEqualTo("Retain");
        Map<String, Map<String, Object>> policies = vigil.resources("AWS::S3::BucketPolicy");
        assertThat(policies.values().iterator().next().toString()).as("TLS only")
                .contains("aws:SecureTransport").contains("Deny");
    }

    private boolean isCustomerManagedKey(Object reference) {
        Map<String, Object> ref = map(reference);
        String id;
        if (ref.containsKey("Fn::GetAtt")) {
            id = (String) list(ref.get("Fn::GetAtt")).get(0);
        } else if (ref.containsKey("Ref")) {
            id = (String) ref.get("Ref");
        } else {
            return false;
        }
        return vigil.resources("AWS::KMS::Key").containsKey(id);
    }

    private Map<String, Map<String, Object>> tablesByName() {
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        vigil.resources("AWS::DynamoDB::Table").values().forEach(t -> {
            Map<String, Object> p = properties(t);
            byName.put((String) p.get("TableName"), p);
        });
        return byName;
    }

    private static List<Map<String, Object>> keySchema(KeySpec partition, KeySpec sort) {
        List<Map<String, Object>> key = new ArrayList<>();
        key.add(Map.of("AttributeName", partition.name(), "KeyType", "HASH"));
        if (sort != null) {
            key.add(Map.of("AttributeName", sort.name(), "KeyType", "RANGE"));
        }
        return key;
    }

    private static Map<String, String> attributeTypes(Map<String, Object> table) {
        Map<String, String> types = new LinkedHashMap<>();
        for (Object definition : list(table.get("AttributeDefinitions"))) {
            Map<String, Object> d = map(definition);
            types.put((String) d.get("AttributeName"), (String) d.get("AttributeType"));
        }
        return types;
    }

    private static Map<String, String> expectedTypes(TableSpec spec) {
        Map<String, String> types = new LinkedHashMap<>();
        List<KeySpec> keys = new ArrayList<>();
        keys.add(spec.partitionKey());
        if (spec.sortKey() != null) {
            keys.add(spec.sortKey());
        }
        for (IndexSpec index : spec.indexes()) {
            keys.add(index.partitionKey());
            if (index.sortKey() != null) {
                keys.add(index.sortKey());
            }
        }
        keys.forEach(k -> types.put(k.name(), switch (k.type()) {
            case STRING -> "S";
            case NUMBER -> "N";
        }));
        return types;
    }
}
