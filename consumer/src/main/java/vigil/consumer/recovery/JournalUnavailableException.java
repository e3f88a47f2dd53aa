package vigil.consumer.recovery;

/** The journal of a shard's devices could not be read; processing the shard without it would reset windows. */
public final class JournalUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public JournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
