package vigil.consumer.rules;

/** Alert priorities of alerts-v1.md, lowest first (ordinal order is severity order). */
public enum Priority {
    LOW,
    MEDIUM,
    HIGH
}
