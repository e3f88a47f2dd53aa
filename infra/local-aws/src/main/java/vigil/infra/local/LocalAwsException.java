package vigil.infra.local;

/** The local emulators could not be started or prepared; the message says what to do. */
public final class LocalAwsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LocalAwsException(String message) {
        super(message);
    }

    public LocalAwsException(String message, Throwable cause) {
        super(message, cause);
    }
}
