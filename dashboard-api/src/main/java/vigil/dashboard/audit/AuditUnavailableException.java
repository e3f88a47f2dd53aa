package vigil.dashboard.audit;

/** The audit log could not take an entry (storage down or throttled); retryable by the client later. */
public final class AuditUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
