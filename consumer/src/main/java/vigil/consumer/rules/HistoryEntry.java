package vigil.consumer.rules;

/**
 * One step in an alert's history (alerts-v1.md, "Lifecycle": status, priority, time, actor, value).
 *
 * @param atMillis epoch millis: the device event time for event-time rules, the consumer's clock for DEVICE_OFFLINE
 *     and DATA_QUALITY, the acknowledgement time for acknowledgements
 * @param actor    {@code "system"} or the acknowledging user
 * @param value    the figure that decided the step, or null
 */
public record HistoryEntry(Change change, AlertStatus status, Priority priority, long atMillis, String actor,
        Double value) {}
