package vigil.dashboard.health;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import vigil.schema.TableSpec;

/**
 * {@code GET /health}, unauthenticated: 200 {@code {"status":"UP"}} when every table the service needs answers
 * DescribeTable, else 503 {@code {"status":"DOWN"}} (which table failed is logged, not shown to anonymous
 * callers). A result is reused for {@link #CACHE_MILLIS} so that probes cannot turn into a DescribeTable flood.
 *
 * <p>Threading: any request thread may probe; the cached result is one immutable object behind a volatile field,
 * and two threads probing at once both call DynamoDB, which is harmless.
 */
public final class HealthRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(HealthRoutes.class);
    static final long CACHE_MILLIS = 2_000;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private record Result(boolean up, long checkedAtMillis) {}

    private final DynamoDbClient dynamo;
    private final List<String> tableNames;
    private final Clock clock;
    private volatile Result last; // null until the first probe

    public HealthRoutes(DynamoDbClient dynamo, String tablePrefix, List<TableSpec> tables, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableNames = tables.stream().map(t -> t.nameWith(tablePrefix)).toList();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes) {
        routes.get("/health", this::health);
    }

    private void health(Context ctx) {
        Result result = last;
        long nowMillis = clock.millis();
        if (result == null
                || nowMillis - result.checkedAtMillis() >= CACHE_MILLIS
                || nowMillis < result.checkedAtMillis()) {
            result = new Result(probe(), nowMillis);
            last = result;
        }
        ctx.header("Cache-Control", "no-store");
        ctx.status(result.up() ? 200 : 503).json(Map.of("status", result.up() ? "UP" : "DOWN"));
    }

    private boolean probe() {
        for (String table : tableNames) {
            try {
                dynamo.describeTable(DescribeTableRequest.builder()
                        .tableName(table)
                        .overrideConfiguration(o -> o.apiCallTimeout(PROBE_TIMEOUT))
                        .build());
            } catch (SdkException e) {
                LOG.warn("health: table {} does not answer DescribeTable: {}", table, e.getClass().getSimpleName());
                return false;
            }
        }
        return true;
    }
}
