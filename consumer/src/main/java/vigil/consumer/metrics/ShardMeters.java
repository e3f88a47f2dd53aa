package vigil.consumer.metrics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import vigil.consumer.device.DeviceSnapshot;

/**
 * The meters of one shard: millis behind latest, checkpoint age, lease held, and the shard's latency recorders.
 * The {@code shard} tag is bounded by the stream's shard count (allowed by the observability issue; STYLE.md §7
 * forbids only per-record or per-device tags).
 *
 * <p><b>Threading contract.</b> Written by the shard's processor only (serial calls, any thread); gauges read the
 * volatile fields from the metrics thread.
 */
public final class ShardMeters {
    private final String shardId;
    private final StateLatency.ShardRecorders latency;
    /** Processors of this shard holding the lease: normally 0 or 1, briefly 2 when a lease comes back. */
    private final AtomicInteger holders = new AtomicInteger();
    private final IntConsumer onLeaseChange; // +1 acquired, -1 released
    private volatile long millisBehindLatest = -1;
    private volatile long lastCheckpointMillis = -1;
    private volatile long leaseSinceMillis = -1;
    private volatile long lastDurableMillis = -1; // consumer clock of the last full flush; -1: none
    private long[] arrivals = new long[1024]; // writer-private: arrival millis of records not yet durable
    private int pendingArrivals;

    ShardMeters(String shardId, StateLatency.ShardRecorders latency, IntConsumer onLeaseChange) {
        this.shardId = shardId;
        this.latency = latency;
        this.onLeaseChange = onLeaseChange;
    }

    public String shardId() {
        return shardId;
    }

    /**
     * A processor holds the lease from now on. Call once per processor, paired with one {@link #leaseReleased}: a
     * new processor of the same shard may start before the old one is told it lost the lease.
     */
    public void leaseAcquired(long nowMillis) {
        leaseSinceMillis = nowMillis;
        if (holders.incrementAndGet() == 1) {
            onLeaseChange.accept(1);
        }
    }

    /** A processor's lease is lost, its shard ended or it was shut down; once per {@link #leaseAcquired}. */
    public void leaseReleased() {
        if (holders.decrementAndGet() == 0) {
            onLeaseChange.accept(-1);
        }
        pendingArrivals = 0;
    }

    boolean leaseHeld() {
        return holders.get() > 0;
    }

    /** From {@code ProcessRecordsInput.millisBehindLatest()}; null (not reported) leaves the last value. */
    public void millisBehindLatest(Long millis) {
        if (millis != null) {
            millisBehindLatest = millis;
        }
    }

    public void checkpointed(long nowMillis) {
        lastCheckpointMillis = nowMillis;
    }

    /** A record of this shard arrived in Kinesis at {@code arrivalMillis}; its effects are not yet durable. */
    public void received(long arrivalMillis) {
        if (pendingArrivals == arrivals.length) {
            arrivals = java.util.Arrays.copyOf(arrivals, arrivals.length * 2);
        }
        arrivals[pendingArrivals++] = arrivalMillis;
    }

    /**
     * Everything received so far is durable as of {@code durableMillis}: records one arrival→state sample per record
     * and one device→state sample per written device state.
     */
    public void durable(Iterable<DeviceSnapshot> writtenStates, long durableMillis) {
        lastDurableMillis = durableMillis;
        for (int i = 0; i < pendingArrivals; i++) {
            latency.record(StateLatency.Kind.ARRIVAL, durableMillis - arrivals[i]);
        }
        pendingArrivals = 0;
        for (DeviceSnapshot s : writtenStates) {
            latency.record(StateLatency.Kind.DEVICE, durableMillis - s.newest().tsMillis());
        }
    }

    /**
     * Consumer clock (epoch millis) of the last full flush of this shard in this worker, -1 before the first: when
     * this worker last made every record it received of the shard durable (a takeover is over once the new owner's
     * is after the kill). Any thread (volatile read).
     */
    public long lastDurableMillis() {
        return lastDurableMillis;
    }

    /** Records received since the last {@link #durable} will not become durable here (not checkpointed). */
    public void abandoned() {
        pendingArrivals = 0;
    }

    double millisBehindLatestValue() {
        return leaseHeld() ? millisBehindLatest : Double.NaN;
    }

    /** Millis since the last checkpoint (since the lease was taken, before the first); NaN without the lease. */
    double checkpointAgeMillis(long nowMillis) {
        if (!leaseHeld()) {
            return Double.NaN;
        }
        long since = lastCheckpointMillis >= leaseSinceMillis ? lastCheckpointMillis : leaseSinceMillis;
        return since < 0 ? Double.NaN : nowMillis - since;
    }
}
