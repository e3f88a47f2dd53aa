package vigil.consumer.rules;

/**
 * An acknowledgement from the API (alerts-v1.md, "Lifecycle": who, when and an optional note).
 *
 * @param atMillis epoch millis of the acknowledgement
 * @param note     optional note, or null
 */
public record Acknowledgement(String alertId, String by, long atMillis, String note) {}
