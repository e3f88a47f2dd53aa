package vigil.dashboard.alert;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Access to the alerts the consumer writes, and acknowledgements. Implementations are thread-safe. */
public interface AlertStore {
    /** The alert, read strongly consistently. */
    Optional<AlertView> find(String alertId);

    /** The alerts with these ids that exist, in no particular order. */
    List<AlertView> findAll(Collection<String> alertIds);

    /**
     * Open alerts (not {@code CLEARED}) raised at or after {@code sinceMillis}, from the sparse open index.
     *
     * @param careUnit only this care unit, or {@code null} for every care unit
     */
    List<AlertView> open(String careUnit, long sinceMillis);

    /** Every alert raised at or after {@code sinceMillis}. Known limit: scans the table. */
    List<AlertView> all(long sinceMillis);

    /**
     * Every alert raised in {@code [fromMillis, toMillis)}, read by key: one Query of the {@code raised-by-day} index
     * per UTC day of the range (docs/alarm-burden.md), never a Scan.
     */
    RaisedAlerts raisedBetween(long fromMillis, long toMillis);

    /**
     * Alerts read for a report, and what reading them cost.
     *
     * @param readUnits DynamoDB read capacity units the Queries consumed, as DynamoDB reported them
     */
    record RaisedAlerts(List<AlertView> alerts, double readUnits) {
        public RaisedAlerts {
            alerts = List.copyOf(alerts);
        }
    }

    /**
     * Acknowledges {@code current}: moves it to {@code newStatus} with who, when and the note, appends a history
     * entry, and (to {@code CLEARED}) takes it out of the open index. Conditional on the stored status still being
     * {@code current.status()}.
     *
     * @return the alert as stored after the update
     * @throws ConcurrentChangeException when the stored status is no longer {@code current.status()}
     */
    AlertView acknowledge(AlertView current, String newStatus, String by, Instant at, String note);

    /** The stored alert changed between read and write. */
    final class ConcurrentChangeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConcurrentChangeException(String alertId) {
            super("alert " + alertId + " changed concurrently");
        }
    }
}
