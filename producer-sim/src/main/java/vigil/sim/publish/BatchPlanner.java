package vigil.sim.publish;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the records of the next PutRecords call from the queues waiting in line.
 *
 * <p>Rules every planner keeps, on which the publisher's ordering rests: a queue is taken whole or not at all (the
 * planner takes a prefix of its records, at least the head, and puts the whole prefix into one {@link PutEntry});
 * a taken queue leaves the front of {@code ready} and becomes {@link DeviceQueue.State#IN_FLIGHT}; the call fits the
 * Kinesis limits on entries, bytes per call and bytes per record.
 *
 * <p><b>Threading contract.</b> Called by the publisher's dispatcher thread only, under the publisher's lock.
 */
interface BatchPlanner {

    /** Takes queues from the front of {@code ready}; returns the entries of one call, not empty if ready was not. */
    List<PutEntry> take(ArrayDeque<DeviceQueue> ready);

    /** One plain Kinesis record per queue head, as many heads as the call holds. */
    static BatchPlanner plain(PublisherConfig config) {
        return ready -> {
            List<PutEntry> batch = new ArrayList<>(Math.min(ready.size(), config.maxBatchRecords()));
            long batchBytes = 0;
            while (batch.size() < config.maxBatchRecords() && !ready.isEmpty()) {
                DeviceQueue queue = ready.peekFirst();
                PendingRecord head = queue.records.peekFirst();
                if (batchBytes + head.sizeBytes() > config.maxBatchBytes()) {
                    break; // the first head always fits: records are <= 1 MiB, batches >= 1 MiB
                }
                ready.pollFirst();
                queue.state = DeviceQueue.State.IN_FLIGHT;
                batchBytes += head.sizeBytes();
                batch.add(PutEntry.plain(queue, head));
            }
            return batch;
        };
    }
}
