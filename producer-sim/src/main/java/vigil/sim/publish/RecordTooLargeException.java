package vigil.sim.publish;

/** A record that no retry can deliver, because it exceeds the destination's size limit. The caller's error. */
public final class RecordTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RecordTooLargeException(String message) {
        super(message);
    }
}
