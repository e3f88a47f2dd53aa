package vigil.consumer.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * One open alert of one device and type, writer-private. Every change returns the alert's full new state as an
 * immutable {@link AlertTransition}.
 *
 * <p><b>Threading contract.</b> Writer-private (owned by the device's {@link DeviceRules}); never shared.
 */
final class OpenAlert {
    /** History kept per alert; beyond it the oldest entries after the raise are dropped (bounded memory). */
    static final int MAX_HISTORY = 100;

    final String alertId;
    final AlertType type;
    final long raisedTs;
    Priority priority;
    Priority maxPriority;
    AlertStatus status = AlertStatus.ACTIVE;
    String ackBy;
    Long ackAtMillis;
    String ackNote;
    final List<HistoryEntry> history = new ArrayList<>(4);

    OpenAlert(String deviceId, AlertType type, long raisedTs, Priority priority) {
        this.alertId = AlertTransition.alertId(deviceId, type, raisedTs);
        this.type = type;
        this.raisedTs = raisedTs;
        this.priority = priority;
        this.maxPriority = priority;
    }

    void record(Change change, long atMillis, String actor, double value) {
        if (history.size() == MAX_HISTORY) {
            history.remove(1);
        }
        history.add(new HistoryEntry(change, status, priority, atMillis, actor, Double.isNaN(value) ? null : value));
    }
}
