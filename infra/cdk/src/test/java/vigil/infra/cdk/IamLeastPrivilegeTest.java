package vigil.infra.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.infra.cdk.SynthesizedVigil.list;
import static vigil.infra.cdk.SynthesizedVigil.map;
import static vigil.infra.cdk.SynthesizedVigil.properties;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Walks every statement of every policy in the template: identity policies (roles' inline policies, AWS::IAM::Policy,
 * AWS::IAM::ManagedPolicy) and resource policies (KMS key policies, SNS topic policies).
 */
class IamLeastPrivilegeTest {
    /** Actions AWS authorizes only on "*" (no resource-level permissions); none of them touches data. */
    private static final Set<String> ACTIONS_WITHOUT_RESOURCE_LEVEL = Set.of("ecr:GetAuthorizationToken");

    private static final Set<String> DATA_SERVICES = Set.of("dynamodb", "kinesis", "kms", "secretsmanager", "s3");

    private final SynthesizedVigil vigil = SynthesizedVigil.defaults();

    /** A statement and the policy it came from, e.g. "ConsumerTaskTaskRoleDefaultPolicy". */
    private record Statement(String policy, Map<String, Object> body) {
        List<String> actions() {
            return list(body.get("Action")).stream().map(Object::toString).toList();
        }

        List<Object> resources() {
            return list(body.get("Resource"));
        }

        boolean allows() {
            return "Allow".equals(body.get("Effect"));
        }
    }

    @Test
    void shouldNameEveryActionInEveryIdentityPolicy() {
        List<Statement> statements = identityStatements();
        assertThat(statements).as("the walk found the policies").hasSizeGreaterThan(15);
        for (Statement s : statements) {
            assertThat(s.body()).as("%s uses NotAction/NotResource", s.policy())
                    .doesNotContainKeys("NotAction", "NotResource", "NotPrincipal");
            for (String action : s.actions()) {
                assertThat(action).as("action in %s", s.policy()).doesNotContain("*").contains(":");
            }
        }
    }

    @Test
    void shouldNeverGrantAnyResourceExceptForActionsWithoutResourceLevelPermissions() {
        for (Statement s : identityStatements()) {
            boolean anyResource = s.resources().contains("*");
            if (anyResource) {
                assertThat(ACTIONS_WITHOUT_RESOURCE_LEVEL).as("actions of %s on \"*\"", s.policy())
                        .containsAll(s.actions());
            }
            for (String action : s.actions()) {
                if (DATA_SERVICES.contains(action.substring(0, action.indexOf(':')))) {
                    for (Object resource : s.resources()) {
                        assertThat(resource).as("resource of %s in %s", action, s.policy()).isNotEqualTo("*");
                        if (resource instanceof String text) {
                            assertThat(text).as("resource of %s in %s", action, s.policy()).doesNotEndWith("*");
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldNameActionsInResourcePoliciesForEveryPrincipalButTheAccountAdministrator() {
        List<Statement> statements = new ArrayList<>();
        vigil.resources("AWS::KMS::Key").forEach((id, key) ->
                statements.addAll(statements(id, properties(key).get("KeyPolicy"))));
        vigil.resources("AWS::SNS::TopicPolicy").forEach((id, policy) ->
                statements.addAll(statements(id, properties(policy).get("PolicyDocument"))));
        assertThat(statements).hasSizeGreaterThan(4);
        for (Statement s : statements) {
            // KMS's default key policy gives the account root kms:* so that IAM policies (checked above) decide;
            // that statement, and conditioned copies CDK adds for the root, grant nothing IAM does not.
            if (!s.allows() || isAccountRoot(s.body().get("Principal"))) {
                continue;
            }
            for (String action : s.actions()) {
                assertThat(action).as("action in %s for %s", s.policy(), s.body().get("Principal"))
                        .doesNotContain("*");
            }
            assertThat(s.body().get("Principal")).as("principal in %s", s.policy()).isNotEqualTo("*");
        }
    }

    @Test
    void shouldKeepTheAuditLogAppendOnly() {
        String auditTable = logicalIdOfTable("vigil-audit");
        for (Statement s : identityStatements()) {
            if (String.valueOf(s.resources()).contains(auditTable)) {
                assertThat(s.actions()).as("actions on the audit table in %s", s.policy())
                        .doesNotContain("dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                                "dynamodb:DeleteTable", "dynamodb:UpdateTable");
            }
        }
    }

    @Test
    void shouldLetOnlyTheConsumerReadTheStreamAndOnlyTheApiExecutionRoleReadTheJwtSecret() {
        for (Statement s : identityStatements()) {
            if (s.actions().contains("kinesis:GetRecords")) {
                assertThat(s.policy()).startsWith("ConsumerTaskTaskRole");
            }
            if (s.actions().contains("secretsmanager:GetSecretValue")) {
                assertThat(s.policy()).startsWith("DashboardTaskExecutionRole");
            }
            if (s.actions().stream().anyMatch(a -> a.startsWith("dynamodb:"))) {
                assertThat(s.policy()).matches("(ConsumerTaskTaskRole|DashboardTaskTaskRole).*");
            }
        }
    }

    @Test
    void shouldLetNoServiceCreateOrDropVigilsOwnTables() {
        for (Statement s : identityStatements()) {
            if (s.actions().contains("dynamodb:CreateTable")) {
                // Only the KCL auxiliary tables, by name (DataStores javadoc).
                assertThat(String.valueOf(s.resources()))
                        .contains("-CoordinatorState").contains("-WorkerMetricStats")
                        .doesNotContain("Fn::GetAtt");
            }
            assertThat(s.actions()).doesNotContain("dynamodb:DeleteTable", "kinesis:DeleteStream",
                    "kms:ScheduleKeyDeletion", "kms:DisableKey");
        }
    }

    private List<Statement> identityStatements() {
        List<Statement> out = new ArrayList<>();
        for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
            vigil.resources(type).forEach((id, policy) ->
                    out.addAll(statements(id, properties(policy).get("PolicyDocument"))));
        }
        vigil.resources("AWS::IAM::Role").forEach((id, role) -> {
            for (Object inline : list(properties(role).get("Policies"))) {
                out.addAll(statements(id, map(inline).get("PolicyDocument")));
            }
        });
        return out;
    }

    private static List<Statement> statements(String policy, Object document) {
        List<Statement> out = new ArrayList<>();
        for (Object statement : list(map(document).get("Statement"))) {
            out.add(new Statement(policy, map(statement)));
        }
        return out;
    }

    private static boolean isAccountRoot(Object principal) {
        if (!(principal instanceof Map)) {
            return false;
        }
        String aws = String.valueOf(map(principal).get("AWS"));
        return aws.contains(":root") && aws.contains("AWS::AccountId");
    }

    private String logicalIdOfTable(String name) {
        return vigil.resources("AWS::DynamoDB::Table").entrySet().stream()
                .filter(e -> name.equals(properties(e.getValue()).get("TableName")))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }
}
