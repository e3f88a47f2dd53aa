package vigil.dashboard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import vigil.dashboard.DashboardServer;
import vigil.dashboard.TestApi;
import vigil.dashboard.auth.TokenSpec;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.Tables;

/** api-v1.md "Audit log": device reads and denials are appended to the audit table. */
class AuditTrailTest {
    private static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        api.putDevice("PUMP-0001", "infusion_pump", "ICU-4A", TestApi.BASE_ARRIVAL);
        api.putDevice("DIAL-0002", "dialysis", "DIALYSIS-2", TestApi.BASE_ARRIVAL.plusSeconds(1));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void shouldAuditASuccessfulDeviceReadWithTimeActorRoleActionDeviceAndOutcome() {
        Instant before = Instant.now();
        api.get("/api/v1/devices/PUMP-0001", api.token(TokenSpec.caregiver("nurse-audit-1", "ICU-4A")));

        List<Map<String, AttributeValue>> entries = api.auditEntriesOf("nurse-audit-1");
        assertThat(entries).hasSize(1);
        Map<String, AttributeValue> entry = entries.get(0);
        assertThat(entry.get("action").s()).isEqualTo("device.read");
        assertThat(entry.get("role").s()).isEqualTo("caregiver");
        assertThat(entry.get("deviceId").s()).isEqualTo("PUMP-0001");
        assertThat(entry.get("outcome").n()).isEqualTo("200");
        Instant time = Instant.parse(entry.get("time").s());
        assertThat(time).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
        assertThat(entry.get("day").s()).isEqualTo(LocalDate.ofInstant(time, ZoneOffset.UTC).toString());
        assertThat(entry.get("entryKey").s()).startsWith(entry.get("time").s() + "#");
    }

    @Test
    void shouldAuditAnOutOfScopeReadAs404() {
        api.get("/api/v1/devices/DIAL-0002", api.token(TokenSpec.caregiver("nurse-audit-2", "ICU-4A")));

        assertThat(api.auditEntriesOf("nurse-audit-2"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.get("action").s()).isEqualTo("device.read");
                    assertThat(e.get("deviceId").s()).isEqualTo("DIAL-0002");
                    assertThat(e.get("outcome").n()).isEqualTo("404");
                });
    }

    @Test
    void shouldAuditAForbiddenReadAs403WithTheCallersRoles() {
        api.get("/api/v1/devices/PUMP-0001", api.token(TokenSpec.collector("collector-audit", "*")));

        assertThat(api.auditEntriesOf("collector-audit"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.get("role").s()).isEqualTo("collector");
                    assertThat(e.get("outcome").n()).isEqualTo("403");
                    assertThat(e.get("deviceId").s()).isEqualTo("PUMP-0001");
                });
    }

    @Test
    void shouldAuditATokenWithoutKnownRolesAsRoleNone() {
        api.get("/api/v1/devices", api.token(TokenSpec.of("janitor-audit", "janitor")));

        assertThat(api.auditEntriesOf("janitor-audit"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.get("role").s()).isEqualTo("none");
                    assertThat(e.get("action").s()).isEqualTo("device.list");
                    assertThat(e.get("outcome").n()).isEqualTo("403");
                });
    }

    @Test
    void shouldAuditListReadsWithoutDeviceId() {
        api.get("/api/v1/devices?limit=1", api.token(TokenSpec.deviceAdmin("biomed-audit")));
        api.get("/api/v1/devices?limit=0", api.token(TokenSpec.deviceAdmin("biomed-audit")));

        List<Map<String, AttributeValue>> entries = api.auditEntriesOf("biomed-audit");
        assertThat(entries).hasSize(2);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.get("action").s()).isEqualTo("device.list");
            assertThat(e.get("role").s()).isEqualTo("device-admin");
            assertThat(e).doesNotContainKey("deviceId");
        });
        assertThat(entries).extracting(e -> e.get("outcome").n()).containsExactlyInAnyOrder("200", "400");
    }

    @Test
    void shouldAnswer503InsteadOfServingADeviceWhenTheAuditLogIsUnavailable() {
        // A deployment whose device-state table exists but whose audit table does not.
        String prefix = "noaudit-";
        api.dynamo().createTable(CreateTableRequest.builder()
                .tableName(Tables.DEVICE_STATE.nameWith(prefix))
                .keySchema(KeySchemaElement.builder().attributeName("deviceId").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("deviceId")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build());
        api.dynamo().putItem(PutItemRequest.builder()
                .tableName(Tables.DEVICE_STATE.nameWith(prefix))
                .item(Map.of("deviceId", AttributeValue.fromS("PUMP-0042"),
                        "careUnit", AttributeValue.fromS("ICU-4A"),
                        "lastArrivalMillis", AttributeValue.fromN("1")))
                .build());

        try (DashboardServer server =
                DashboardServer.start(TestApi.config(api.aws).withTablePrefix(prefix), api.dynamo())) {
            TestApi.Reply reply = api.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/api/v1/devices/PUMP-0042"))
                    .header("Authorization", "Bearer " + api.token(TokenSpec.deviceAdmin("biomed-noaudit")))
                    .build());

            assertThat(reply.status).isEqualTo(503);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.body).doesNotContain("ICU-4A").doesNotContain("PUMP-0042");
        }
    }

    @Test
    void shouldAnswer503InsteadOfOpeningAnEventStreamWhenTheAuditLogIsUnavailable() {
        // Every table and stream in place except the audit table: the stream's own checks pass, its audit fails.
        try (LocalAws own = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis())) {
            own.dynamoDbClient().deleteTable(b -> b.tableName(Tables.AUDIT.nameWith(own.tablePrefix())));
            try (DashboardServer server = DashboardServer.start(TestApi.config(own), own.dynamoDbClient())) {
                TestApi.Reply reply = api.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + "/api/v1/events"))
                        .header("Authorization", "Bearer " + api.token(TokenSpec.caregiver("rn-noaudit", "ICU-4A")))
                        .header("Accept", "text/event-stream")
                        .timeout(Duration.ofSeconds(20)) // an opened stream never ends: the send times out
                        .build());

                assertThat(reply.status).isEqualTo(503);
                assertThat(reply.contentType()).startsWith("application/problem+json");
                assertThat(reply.json().get("detail").asText()).contains("audit");
            }
        }
    }

    @Test
    void shouldWriteOneEntryPerRequest() {
        String token = api.token(TokenSpec.deviceAdmin("biomed-many"));
        for (int i = 0; i < 5; i++) {
            api.get("/api/v1/devices/PUMP-0001", token);
        }

        assertThat(api.auditEntriesOf("biomed-many")).hasSize(5);
    }
}
