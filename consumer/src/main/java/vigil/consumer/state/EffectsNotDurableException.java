package vigil.consumer.state;

/** Effects could not be made durable; the records behind them must not be checkpointed. */
public final class EffectsNotDurableException extends Exception {
    private static final long serialVersionUID = 1L;

    public EffectsNotDurableException(String message, Throwable cause) {
        super(message, cause);
    }
}
