package vigil.consumer.kcl;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.consumer.ingest.ShardIngest;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.recovery.JournalChain;
import vigil.consumer.recovery.JournalUnavailableException;
import vigil.consumer.recovery.RecoveryStore;
import vigil.consumer.rules.Acknowledgement;
import vigil.consumer.rules.SettingsCache;
import vigil.consumer.rules.SettingsSource;
import vigil.consumer.state.AcknowledgementSource;

/**
 * What every shard processor of a worker shares besides the writer: the recovery journal and hash ranges (window
 * continuity), the settings side input, the coalescing and journal intervals.
 *
 * <p><b>Threading contract.</b> Immutable; its collaborators are thread-safe.
 *
 * @param ranges              null: no restore (each shard starts empty)
 * @param flushIntervalMillis a changed device is written at most once per this interval (alert transitions at once)
 * @param journalIntervalMillis a changed device's recovery journal chunk is taken this long after its first change
 */
public record ShardServices(
        RecoveryStore journal,
        HashRangeLookup ranges,
        SettingsCache settingsCache,
        long flushIntervalMillis,
        long journalIntervalMillis,
        AcknowledgementSource acknowledgements) {
    private static final Logger LOG = LoggerFactory.getLogger(ShardServices.class);
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    /** No restore, no settings, a write per changed device per batch (unit tests). */
    static final ShardServices NONE = new ShardServices(RecoveryStore.NONE, null, null, 0, 0, AcknowledgementSource.NONE);
    /** How often a processor asks for acknowledgements of its open, unacknowledged alerts. */
    static final long ACK_POLL_INTERVAL_MILLIS = 2_000;

    public ShardServices(
            RecoveryStore journal, HashRangeLookup ranges, SettingsCache settingsCache, long flushIntervalMillis) {
        this(journal, ranges, settingsCache, flushIntervalMillis, ShardIngest.DEFAULT_JOURNAL_INTERVAL_MILLIS,
                AcknowledgementSource.NONE);
    }

    public ShardServices {
        acknowledgements = acknowledgements == null ? AcknowledgementSource.NONE : acknowledgements;
        if (journalIntervalMillis < 0 || flushIntervalMillis < 0) {
            throw new IllegalArgumentException("intervals must not be negative");
        }
    }

    /**
     * Applies to the engine the acknowledgements made in the API for the shard's open, unacknowledged alerts, as the
     * source's feed has seen them (no read for a feed-based source); their transitions are written with the next
     * drain. A failure is logged and tried again at the next poll.
     *
     * @return the number of acknowledgements applied; -1 when they could not be read
     */
    int applyAcknowledgements(ShardIngest ingest) {
        List<String> ids = ingest.unacknowledgedOpenAlertIds();
        return ids.isEmpty() ? 0 : apply(ingest, ids, false);
    }

    /**
     * Reads from the store the acknowledgements of {@code alertIds} (alerts the shard restored open: those made before
     * this worker followed the alerts stream) and applies them.
     *
     * @return the number applied; -1 when the store could not be read (the caller tries these ids again)
     */
    int applyStoredAcknowledgements(ShardIngest ingest, List<String> alertIds) {
        return alertIds.isEmpty() ? 0 : apply(ingest, alertIds, true);
    }

    private int apply(ShardIngest ingest, List<String> ids, boolean fromStore) {
        try {
            int applied = 0;
            List<Acknowledgement> acks = fromStore
                    ? acknowledgements.readStored(ids)
                    : acknowledgements.acknowledgementsOf(ids);
            for (Acknowledgement ack : acks) {
                applied += ingest.acknowledge(ack) ? 1 : 0;
            }
            return applied;
        } catch (RuntimeException e) {
            LOG.warn("shard {}: acknowledgements unavailable ({}); trying again at the next poll", ingest.shardId(),
                    e.getClass().getSimpleName());
            return -1;
        }
    }

    SettingsSource settings() {
        return settingsCache == null ? SettingsSource.NONE : settingsCache;
    }

    void refreshSettings(ShardIngest ingest) {
        if (settingsCache != null) {
            ingest.refreshSettings(settingsCache);
        }
    }

    /**
     * Restores every device of the shard's hash range from its recovery journal, retrying (backoff with jitter)
     * until the journal could be read: processing without it would restart windows and re-raise alerts.
     *
     * @return the number of devices restored
     */
    int restore(String shardId, ShardIngest ingest, ConsumerMeters meters) throws InterruptedException {
        if (ranges == null) {
            return 0;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                Optional<HashRangeLookup.HashRange> range = ranges.rangeOf(shardId);
                if (range.isEmpty()) {
                    LOG.warn("shard {}: not listed by the stream; starting without a journal", shardId);
                    return 0;
                }
                Map<String, List<byte[]>> found = journal.chunksInRange(range.get().start(), range.get().end());
                int restored = 0;
                for (List<byte[]> stored : found.values()) {
                    try {
                        ingest.restore(JournalChain.select(stored));
                        restored++;
                    } catch (IOException | RuntimeException e) {
                        meters.journalUnreadable();
                        // Never the device id or chunk content in a log line: a count and the kind of fault.
                        LOG.error("shard {}: an unreadable device journal was skipped ({}); that device starts anew",
                                shardId, e.getClass().getSimpleName());
                    }
                }
                return restored;
            } catch (JournalUnavailableException | RuntimeException e) {
                long capMillis = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(attempt, 10));
                LOG.warn("shard {}: journal unavailable ({}); retrying", shardId, e.getClass().getSimpleName());
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(capMillis / 2, capMillis + 1));
            }
        }
    }
}
