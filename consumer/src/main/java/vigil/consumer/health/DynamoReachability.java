package vigil.consumer.health;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Whether DynamoDB answers: a {@code DescribeTable} of the device state table, at most once per {@code cacheFor},
 * with a timeout. A missing table counts as unreachable (the consumer could not write state).
 *
 * <p><b>Threading contract.</b> Thread-safe; concurrent callers share one probe.
 */
public final class DynamoReachability implements BooleanSupplier {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoReachability.class);

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Duration cacheFor;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private long checkedAtNanos;
    private boolean checked;
    private boolean reachable;
    private boolean lastLogged = true;

    public DynamoReachability(DynamoDbAsyncClient dynamo, String table, Duration cacheFor, Duration timeout,
            LongSupplier nanoTime) {
        this.dynamo = dynamo;
        this.table = table;
        this.cacheFor = cacheFor;
        this.timeout = timeout;
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized boolean getAsBoolean() {
        long now = nanoTime.getAsLong();
        if (checked && now - checkedAtNanos < cacheFor.toNanos()) {
            return reachable;
        }
        boolean ok;
        try {
            dynamo.describeTable(b -> b.tableName(table)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            ok = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        } catch (Exception e) { // timeout, service error, missing table: not ready
            ok = false;
            if (lastLogged) {
                LOG.warn("readiness: DynamoDB table {} not reachable ({})", table, e.getClass().getSimpleName());
            }
        }
        lastLogged = ok;
        reachable = ok;
        checked = true;
        checkedAtNanos = nanoTime.getAsLong();
        return ok;
    }
}
