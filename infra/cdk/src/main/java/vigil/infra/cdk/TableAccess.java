package vigil.infra.cdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kms.IKey;
import vigil.schema.Tables;

/**
 * Least-privilege policy statements of each service: named actions on named resources, never a wildcard action and
 * never a {@code "*"} resource. This class is the one place to read (or review) what each service may do with data.
 *
 * <p>Grants are derived from the code's data access (the DynamoDB calls of each module) plus what the next planned
 * features need (consumer writes alerts; the API reads alerts, reads and writes settings). The audit table is
 * append-only: no principal gets {@code UpdateItem}, {@code DeleteItem} or {@code BatchWriteItem} on it.
 */
final class TableAccess {
    /** KCL 3 auxiliary tables named after the application; KCL creates them itself when it needs them. */
    static final List<String> KCL_AUXILIARY_SUFFIXES = List.of("-CoordinatorState", "-WorkerMetricStats");

    private TableAccess() {}

    /**
     * The consumer (KCL worker): reads the stream, writes device state, quarantine, alerts and its recovery journal,
     * keeps its leases.
     */
    static List<PolicyStatement> consumer(Stream stream, DataStores stores, IKey dataKey, DeploymentSettings settings) {
        List<PolicyStatement> statements = new ArrayList<>();
        statements.add(allow("ReadTelemetryStream",
                List.of("kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:GetShardIterator",
                        "kinesis:GetRecords"),
                List.of(stream.getStreamArn())));
        if (settings.enhancedFanOut()) {
            // KCL registers one stream consumer named after the application and subscribes to each shard with it.
            statements.add(allow("EnhancedFanOutRegister",
                    List.of("kinesis:RegisterStreamConsumer", "kinesis:DescribeStreamConsumer"),
                    List.of(stream.getStreamArn())));
            statements.add(allow("EnhancedFanOutSubscribe",
                    List.of("kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"),
                    List.of(stream.getStreamArn() + "/consumer/" + settings.kclApplicationName() + ":*")));
        }
        statements.add(onTable(stores, Tables.DEVICE_STATE.baseName(), "WriteDeviceState",
                "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"));
        statements.add(onTable(stores, Tables.QUARANTINE.baseName(), "WriteQuarantine", "dynamodb:PutItem"));
        statements.add(onTableAndIndexes(stores, Tables.ALERTS.baseName(), "WriteAlerts",
                "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem",
                "dynamodb:UpdateItem", "dynamodb:Query"));
        // Acknowledgements made in the API reach the shards by the alerts stream (docs/change-feeds.md).
        statements.add(onStream(stores, Tables.ALERTS.baseName(), "FollowAlertStreamForAcknowledgements"));
        // Settings side input: one Scan when a worker starts, then the table's stream (docs/change-feeds.md).
        statements.add(onTable(stores, Tables.SETTINGS.baseName(), "ReadSettings",
                "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Scan"));
        statements.add(onStream(stores, Tables.SETTINGS.baseName(), "FollowSettingsStream"));
        // The recovery journal: chunks written per device, a shard's devices read back by Query (docs/storage.md).
        statements.add(onTable(stores, Tables.DEVICE_RECOVERY.baseName(), "KeepRecoveryJournal",
                "dynamodb:PutItem", "dynamodb:Query"));

        Table lease = stores.leaseTable;
        List<String> leaseResources = new ArrayList<>(List.of(lease.getTableArn(),
                lease.getTableArn() + "/index/" + DataStores.LEASE_OWNER_INDEX));
        statements.add(allow("KclLeaseTable",
                List.of("dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem", "dynamodb:Scan", "dynamodb:Query"),
                leaseResources));
        List<String> auxiliary = new ArrayList<>();
        for (String suffix : KCL_AUXILIARY_SUFFIXES) {
            String arn = tableArn(stream, settings.kclApplicationName() + suffix);
            auxiliary.add(arn);
        }
        statements.add(allow("KclAuxiliaryTables",
                List.of("dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
                        "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem", "dynamodb:Scan",
                        "dynamodb:Query"),
                auxiliary));
        statements.add(useKey(dataKey, "kinesis", "dynamodb"));
        return statements;
    }

    /** The dashboard API: reads state and alerts, owns settings, appends to the audit log. */
    static List<PolicyStatement> dashboard(DataStores stores, IKey dataKey) {
        List<PolicyStatement> statements = new ArrayList<>();
        statements.add(onTable(stores, Tables.DEVICE_STATE.baseName(), "ReadDeviceState",
                "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query"));
        statements.add(onTableAndIndexes(stores, Tables.ALERTS.baseName(), "ReadAndAcknowledgeAlerts",
                "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
                "dynamodb:Scan", "dynamodb:UpdateItem"));
        // The event stream follows these two streams (docs/change-feeds.md).
        statements.add(onStream(stores, Tables.DEVICE_STATE.baseName(), "FollowDeviceStateStream"));
        statements.add(onStream(stores, Tables.ALERTS.baseName(), "FollowAlertStream"));
        statements.add(onTable(stores, Tables.SETTINGS.baseName(), "OwnSettings",
                "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"));
        statements.add(onTable(stores, Tables.AUDIT.baseName(), "AppendAuditLog",
                "dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:Query"));
        statements.add(allow("WriteAndReadFhirExports",
                List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject"),
                List.of(stores.exportBucket.arnForObjects(DataStores.EXPORT_PREFIX + "*"))));
        statements.add(PolicyStatement.Builder.create()
                .sid("ListFhirExports")
                .effect(Effect.ALLOW)
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(stores.exportBucket.getBucketArn()))
                .conditions(Map.of("StringLike", Map.of("s3:prefix", DataStores.EXPORT_PREFIX + "*")))
                .build());
        statements.add(useKey(dataKey, "dynamodb", "s3"));
        return statements;
    }

    /** For a gateway that forwards device telemetry into the stream (attach to its role; not used by the stack). */
    static List<PolicyStatement> producer(Stream stream, IKey dataKey) {
        return List.of(
                allow("PutTelemetry", List.of("kinesis:DescribeStreamSummary", "kinesis:PutRecord",
                        "kinesis:PutRecords"), List.of(stream.getStreamArn())),
                useKey(dataKey, "kinesis"));
    }

    private static PolicyStatement onTable(DataStores stores, String baseName, String sid, String... actions) {
        return allow(sid, List.of(actions), List.of(table(stores, baseName).getTableArn()));
    }

    /** Reading a table's DynamoDB stream (the table is created with one: TableSpec#changeStream). */
    private static PolicyStatement onStream(DataStores stores, String baseName, String sid) {
        String arn = table(stores, baseName).getTableStreamArn();
        if (arn == null) {
            throw new IllegalStateException("table " + baseName + " has no stream in the stack");
        }
        return allow(sid, List.of("dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"),
                List.of(arn));
    }

    private static PolicyStatement onTableAndIndexes(
            DataStores stores, String baseName, String sid, String... actions) {
        Table table = table(stores, baseName);
        List<String> resources = new ArrayList<>();
        resources.add(table.getTableArn());
        Tables.all().stream()
                .filter(spec -> spec.baseName().equals(baseName))
                .flatMap(spec -> spec.indexes().stream())
                .forEach(index -> resources.add(table.getTableArn() + "/index/" + index.name()));
        return allow(sid, List.of(actions), resources);
    }

    /**
     * Use of the data key, only through the named services: Kinesis and DynamoDB call KMS on the caller's behalf,
     * so the key cannot be used directly to decrypt anything outside them.
     */
    private static PolicyStatement useKey(IKey key, String... services) {
        List<String> viaServices = new ArrayList<>();
        for (String service : services) {
            viaServices.add(service + "." + Aws.REGION + ".amazonaws.com");
        }
        return PolicyStatement.Builder.create()
                .sid("UseDataKeyVia" + String.join("And", capitalized(services)))
                .effect(Effect.ALLOW)
                .actions(List.of("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"))
                .resources(List.of(key.getKeyArn()))
                .conditions(Map.of("StringEquals", Map.of("kms:ViaService", viaServices)))
                .build();
    }

    private static List<String> capitalized(String... names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            out.add(Character.toUpperCase(name.charAt(0)) + name.substring(1));
        }
        return out;
    }

    private static Table table(DataStores stores, String baseName) {
        Table table = stores.tables.get(baseName);
        if (table == null) {
            throw new IllegalStateException("no table " + baseName + " in the stack");
        }
        return table;
    }

    private static String tableArn(Stream scope, String tableName) {
        return Stack.of(scope).formatArn(software.amazon.awscdk.ArnComponents.builder()
                .service("dynamodb")
                .resource("table")
                .resourceName(tableName)
                .build());
    }

    private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources)
                .build();
    }
}
