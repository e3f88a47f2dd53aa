package vigil.consumer.state;

/** The snapshots of a shard's devices could not be read; processing the shard without them would reset windows. */
public final class SnapshotsUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public SnapshotsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
