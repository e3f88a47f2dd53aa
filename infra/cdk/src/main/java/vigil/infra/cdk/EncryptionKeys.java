package vigil.infra.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * The two customer-managed KMS keys: {@code data} encrypts everything that may hold PHI (stream, tables, the JWT
 * secret); {@code ops} encrypts logs and the alarm topic. Separate keys let an auditor see from the key policy alone
 * which services can decrypt patient data. Both rotate yearly and are retained when the stack is deleted, so
 * backups stay readable.
 */
final class EncryptionKeys extends Construct {
    final Key data;
    final Key ops;

    EncryptionKeys(Construct scope, String id, DeploymentSettings settings) {
        super(scope, id);
        data = key("Data", settings.prefix() + "data",
                "Vigil PHI at rest: telemetry stream, DynamoDB tables, JWT secret");
        ops = key("Ops", settings.prefix() + "ops", "Vigil operations: CloudWatch log groups and the alarm topic");

        // CloudWatch Logs encrypts with the key only for log groups of this account and region (encryption context).
        String logGroupArns = Stack.of(this).formatArn(ArnComponents.builder()
                .service("logs")
                .resource("log-group")
                .resourceName("*")
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
        ops.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchLogsUseOfTheKey")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("logs." + Aws.REGION + ".amazonaws.com")))
                .actions(List.of("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
                        "kms:GenerateDataKey", "kms:DescribeKey"))
                .resources(List.of("*")) // in a key policy "*" means this key
                .conditions(Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn", logGroupArns)))
                .build());
        // CloudWatch alarms publish to the KMS-encrypted SNS topic.
        ops.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsPublishToEncryptedTopic")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
                .build());
    }

    private Key key(String id, String alias, String description) {
        return Key.Builder.create(this, id)
                .alias("alias/" + alias)
                .description(description)
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(30))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }
}
