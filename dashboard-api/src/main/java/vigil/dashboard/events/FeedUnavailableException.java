package vigil.dashboard.events;

/** The change streams behind the event stream cannot be read now; a client is told to try again later. */
public final class FeedUnavailableException extends RuntimeException {
    public FeedUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
