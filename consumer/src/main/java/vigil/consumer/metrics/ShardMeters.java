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
    private volatile long lastDurableMillis = -1; // consumer clock of the last completed write; -1: none

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

    /**
     * A write of this shard completed (durable as of {@code durableMillis}): per written device state one
     * device→state sample (from the newest record's {@code ts}) and one arrival→state sample (from the Kinesis
     * arrival of the oldest record the state is the first write of: the write's worst record).
     */
    public void durable(Iterable<DeviceSnapshot> writtenStates, long durableMillis) {
        lastDurableMillis = durableMillis;
        for (DeviceSnapshot s : writtenStates) {
            latency.record(StateLatency.Kind.ARRIVAL, durableMillis - s.oldestUnwrittenArrivalMillis());
            latency.record(StateLatency.Kind.DEVICE, durableMillis - s.newest().tsMillis());
        }
    }

    /**
     * Consumer clock (epoch millis) of the last completed write (or empty drain) of this shard in this worker, -1
     * before the first (a takeover is over once the new owner's is after the kill). Any thread (volatile read).
     */
    public long lastDurableMillis() {
        return lastDurableMillis;
    }

    private volatile long restoreMillis = -1;

    /** The current processor read the shard's recovery journal in {@code millis}. */
    public void restored(long millis) {
        restoreMillis = millis;
    }

    /** How long the current (or last) processor took to read and apply the shard's journal; -1: not yet. */
    public long restoreMillis() {
        return restoreMillis;
    }

    /** Consumer clock (epoch millis) when the current (or last) processor of this shard took the lease; -1: never. */
    public long leaseSinceMillis() {
        return leaseSinceMillis;
    }

    /** Effects drained here will not become durable here (not checkpointed); kept for the call sites' intent. */
    public void abandoned() {
        // nothing recorded for them: latency samples are taken only when a write completes
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
