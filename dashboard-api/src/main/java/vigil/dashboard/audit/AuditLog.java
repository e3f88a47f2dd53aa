package vigil.dashboard.audit;

/**
 * Where audit entries go. Implementations only append: an entry, once written, is never changed or removed by the
 * service. Safe for concurrent use by request threads.
 */
public interface AuditLog {
    /**
     * Appends one entry durably before returning.
     *
     * @throws AuditUnavailableException when the entry could not be written; the caller must not hand out the data
     *     it was about to return (the service fails closed rather than serve unaudited reads)
     */
    void append(AuditEntry entry);
}
