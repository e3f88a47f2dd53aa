package vigil.sim.publish;

/**
 * A sink gave up: a non-retryable error (missing stream, access denied, malformed request) or a record that kept
 * failing past the retry budget. Records not yet acknowledged are reported as undelivered, never dropped silently.
 * Not retryable by the caller without a new sink.
 */
public final class PublishFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
