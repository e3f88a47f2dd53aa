package vigil.consumer.rules;

/** What a transition did to an alert (recorded in its history). */
public enum Change {
    RAISED,
    ESCALATED,
    DEESCALATED,
    LATCHED,
    CLEARED,
    ACKNOWLEDGED
}
