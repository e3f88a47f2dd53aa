package vigil.feed.dynamodb;

/** A table's stream cannot be read: the table is missing, has no stream, or cannot be described. */
public final class StreamUnavailableException extends RuntimeException {
    public StreamUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
