package vigil.consumer.rules;

/** Alert statuses of alerts-v1.md, "Lifecycle". Every status but {@link #CLEARED} is open. */
public enum AlertStatus {
    ACTIVE,
    ACKNOWLEDGED,
    LATCHED,
    CLEARED;

    public boolean isOpen() {
        return this != CLEARED;
    }
}
