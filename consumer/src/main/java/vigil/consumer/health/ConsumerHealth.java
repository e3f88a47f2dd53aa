package vigil.consumer.health;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Liveness and readiness of one consumer worker.
 *
 * <ul>
 *   <li><b>Live</b>: the KCL scheduler thread runs. A dead scheduler never recovers by itself: restart the task.
 *   <li><b>Ready</b>: live, holds at least one shard lease, and DynamoDB answered recently. A worker without a lease
 *       is healthy but idle (more workers than shards, or just started: KCL takes 10-40 s to assign leases).
 * </ul>
 *
 * <p><b>Threading contract.</b> Stateless apart from the suppliers, which must be thread-safe; called from HTTP
 * threads.
 */
public final class ConsumerHealth {
    private final BooleanSupplier schedulerRunning;
    private final IntSupplier leasesHeld;
    private final BooleanSupplier dynamoReachable;

    public ConsumerHealth(BooleanSupplier schedulerRunning, IntSupplier leasesHeld, BooleanSupplier dynamoReachable) {
        this.schedulerRunning = schedulerRunning;
        this.leasesHeld = leasesHeld;
        this.dynamoReachable = dynamoReachable;
    }

    /** A readiness verdict with its parts, for the response body. */
    public record Readiness(boolean ready, boolean live, int leases, boolean dynamoDbReachable) {
        /** Small JSON object; no configuration, no data. */
        public String toJson() {
            return "{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"live\":" + live + ",\"leases\":" + leases
                    + ",\"dynamodb\":\"" + (dynamoDbReachable ? "reachable" : "unreachable") + "\"}";
        }
    }

    public boolean live() {
        return schedulerRunning.getAsBoolean();
    }

    public Readiness readiness() {
        boolean live = live();
        int leases = leasesHeld.getAsInt();
        // Probe DynamoDB even without a lease, so the body says what is wrong.
        boolean dynamo = dynamoReachable.getAsBoolean();
        return new Readiness(live && leases > 0 && dynamo, live, leases, dynamo);
    }
}
