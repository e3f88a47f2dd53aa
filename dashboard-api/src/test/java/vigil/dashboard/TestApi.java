package vigil.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import vigil.dashboard.auth.TokenMinter;
import vigil.dashboard.auth.TokenSpec;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.schema.AlertAttributes;
import vigil.schema.DeviceStateAttributes;
import vigil.schema.Tables;

/**
 * A real dashboard server on a free port over an in-process DynamoDB Local, plus a real HTTP client: what every
 * API test class starts once in {@code @BeforeAll} and closes in {@code @AfterAll}.
 *
 * <p>Tests go through {@link DashboardServer#start} (not {@code JavalinTest}) on purpose: that entry point, with
 * its configuration, is what the launcher and production run.
 */
public final class TestApi implements AutoCloseable {
    public static final String SECRET = "test-secret-0123456789-abcdefghijklmnop";
    /** Arrival time of the first seeded device; later devices arrive later. */
    public static final Instant BASE_ARRIVAL = Instant.parse("2026-11-22T08:00:00.000Z");

    private static final ObjectMapper JSON = new ObjectMapper();

    public final LocalAws aws;
    public final DashboardServer server;
    public final TokenMinter minter = TokenMinter.forSecret(SECRET);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestApi(LocalAws aws, DashboardServer server) {
        this.aws = aws;
        this.server = server;
    }

    public static TestApi start() {
        LocalAws aws = LocalAws.start(LocalAwsConfig.defaults().withoutKinesis());
        try {
            return new TestApi(aws, DashboardServer.start(config(aws), aws.dynamoDbClient()));
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
    }

    public static DashboardConfig config(LocalAws aws) {
        return DashboardConfig.local(aws.tablePrefix(), SECRET);
    }

    public DynamoDbClient dynamo() {
        return aws.dynamoDbClient();
    }

    public String token(TokenSpec spec) {
        return minter.mint(spec);
    }

    /** A GET with {@code Authorization: Bearer <token>}, or none when token is null. */
    public Reply get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Any request with an optional bearer token, JSON body and extra headers (name, value, name, value ...). */
    public Reply request(String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** Writes an alert item as the consumer would (names from AlertAttributes); open unless status is CLEARED. */
    public void putAlert(String alertId, String deviceId, String careUnit, String type, String priority,
            String status, long raisedTs) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(AlertAttributes.ALERT_ID, AttributeValue.fromS(alertId));
        item.put(AlertAttributes.DEVICE_ID, AttributeValue.fromS(deviceId));
        item.put(AlertAttributes.DEVICE_TYPE, AttributeValue.fromS("infusion_pump"));
        if (careUnit != null) {
            item.put(AlertAttributes.CARE_UNIT, AttributeValue.fromS(careUnit));
        }
        if (!"CLEARED".equals(status)) {
            item.put(AlertAttributes.OPEN_CARE_UNIT,
                    AttributeValue.fromS(careUnit == null ? AlertAttributes.UNASSIGNED_CARE_UNIT : careUnit));
        }
        item.put(AlertAttributes.TYPE, AttributeValue.fromS(type));
        item.put(AlertAttributes.PRIORITY, AttributeValue.fromS(priority));
        item.put(AlertAttributes.MAX_PRIORITY, AttributeValue.fromS(priority));
        item.put(AlertAttributes.STATUS, AttributeValue.fromS(status));
        item.put(AlertAttributes.RAISED_TS, n(raisedTs));
        item.put(AlertAttributes.RAISED_AT, AttributeValue.fromS(Instant.ofEpochMilli(raisedTs).toString()));
        item.put(AlertAttributes.RAISED_DAY, AttributeValue.fromS(AlertAttributes.raisedDay(raisedTs)));
        item.put(AlertAttributes.UPDATED_AT, AttributeValue.fromS(Instant.ofEpochMilli(raisedTs).toString()));
        item.put(AlertAttributes.MESSAGE, AttributeValue.fromS("Test alert " + type));
        item.put(AlertAttributes.HISTORY, AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                "change", AttributeValue.fromS("RAISED"),
                "status", AttributeValue.fromS("ACTIVE"),
                "priority", AttributeValue.fromS(priority),
                "at", AttributeValue.fromS(Instant.ofEpochMilli(raisedTs).toString()),
                "actor", AttributeValue.fromS("system"))))));
        item.put(AlertAttributes.HISTORY_COUNT, n(1));
        dynamo().putItem(PutItemRequest.builder()
                .tableName(Tables.ALERTS.nameWith(aws.tablePrefix()))
                .item(item)
                .build());
    }

    /** Adds open alert ids to a device-state item (as the consumer does on every alert transition). */
    public void setOpenAlerts(String deviceId, String... alertIds) {
        List<AttributeValue> ids = new ArrayList<>();
        for (String id : alertIds) {
            ids.add(AttributeValue.fromS(id));
        }
        dynamo().updateItem(b -> b.tableName(Tables.DEVICE_STATE.nameWith(aws.tablePrefix()))
                .key(Map.of(DeviceStateAttributes.DEVICE_ID, AttributeValue.fromS(deviceId)))
                .updateExpression("SET #o = :o")
                .expressionAttributeNames(Map.of("#o", DeviceStateAttributes.OPEN_ALERT_IDS))
                .expressionAttributeValues(Map.of(":o", AttributeValue.fromL(ids))));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Writes a device-state item as the consumer would. */
    public void putDevice(String deviceId, String deviceType, String careUnit, Instant arrival) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DeviceStateAttributes.DEVICE_ID, AttributeValue.fromS(deviceId));
        item.put(DeviceStateAttributes.DEVICE_TYPE, AttributeValue.fromS(deviceType));
        item.put(DeviceStateAttributes.MODEL, AttributeValue.fromS("infusion_pump".equals(deviceType) ? "LVP-200" : "HD-5008"));
        if (careUnit != null) {
            item.put(DeviceStateAttributes.CARE_UNIT, AttributeValue.fromS(careUnit));
        }
        item.put(DeviceStateAttributes.LAST_SEQ, n(18231));
        item.put(DeviceStateAttributes.LAST_TS_MILLIS, n(arrival.toEpochMilli() - 250));
        item.put(DeviceStateAttributes.LAST_ARRIVAL_MILLIS, n(arrival.toEpochMilli()));
        item.put(DeviceStateAttributes.METRICS, AttributeValue.fromM(Map.of(
                "rateMlPerHour", AttributeValue.fromN("125.5"),
                "state", AttributeValue.fromS("running"),
                "onMains", AttributeValue.fromBool(true))));
        item.put(DeviceStateAttributes.APPLIED_SETTINGS_VERSION, n(4));
        item.put(DeviceStateAttributes.COUNT_ACCEPTED, n(1000));
        item.put(DeviceStateAttributes.COUNT_DUPLICATE, n(3));
        item.put(DeviceStateAttributes.COUNT_LATE, n(2));
        // countRejected left out: defaults to 0
        item.put(DeviceStateAttributes.UPDATED_MILLIS, n(arrival.toEpochMilli() + 40));
        dynamo().putItem(PutItemRequest.builder()
                .tableName(Tables.DEVICE_STATE.nameWith(aws.tablePrefix()))
                .item(item)
                .build());
    }

    /** Audit entries of one actor written today or yesterday (UTC), oldest first. */
    public List<Map<String, AttributeValue>> auditEntriesOf(String actor) {
        List<Map<String, AttributeValue>> entries = new ArrayList<>();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (LocalDate day : List.of(today.minusDays(1), today)) {
            dynamo().queryPaginator(QueryRequest.builder()
                            .tableName(Tables.AUDIT.nameWith(aws.tablePrefix()))
                            .keyConditionExpression("#d = :d")
                            .expressionAttributeNames(Map.of("#d", "day"))
                            .expressionAttributeValues(Map.of(":d", AttributeValue.fromS(day.toString())))
                            .consistentRead(true)
                            .build())
                    .items()
                    .stream()
                    .filter(item -> actor.equals(item.get("actor").s()))
                    .forEach(entries::add);
        }
        return entries;
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            aws.close();
        }
    }

    /** An HTTP answer with its body parsed as JSON when it is JSON. */
    public static final class Reply {
        public final int status;
        public final String body;
        public final HttpResponse<String> raw;

        Reply(HttpResponse<String> raw) {
            this.raw = raw;
            this.status = raw.statusCode();
            this.body = raw.body();
        }

        public String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }
}
