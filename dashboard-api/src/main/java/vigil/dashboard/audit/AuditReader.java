package vigil.dashboard.audit;

import java.time.Instant;
import java.util.List;

/** Reads the audit log, newest first. Implementations are thread-safe. */
public interface AuditReader {
    /**
     * Entries with time in {@code [from, to]}, newest first, at most {@code max}.
     *
     * @param deviceId    only entries about this device, or null
     * @param actor       only entries of this actor, or null
     * @param beforeKey   only entries whose key sorts before this one (the previous page's last key), or null
     */
    List<AuditRecord> read(Instant from, Instant to, String deviceId, String actor, String beforeKey, int max);
}
