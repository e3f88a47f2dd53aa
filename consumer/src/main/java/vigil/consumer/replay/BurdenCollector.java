package vigil.consumer.replay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import vigil.burden.AlarmBurden;
import vigil.burden.AlertHistory;
import vigil.burden.BurdenReport;
import vigil.burden.DeviceInScope;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.HistoryEntry;

/**
 * Keeps the newest state of every alert a replay transitions (each transition carries the alert's whole history),
 * as the input of the shared alarm burden computation ({@link AlarmBurden}). Single thread.
 */
final class BurdenCollector implements Consumer<AlertTransition> {
    private final Map<String, AlertHistory> byAlertId = new HashMap<>();

    @Override
    public void accept(AlertTransition t) {
        byAlertId.put(t.alertId(), toHistory(t));
    }

    /** The alerts seen so far, newest state of each. */
    Collection<AlertHistory> alerts() {
        return byAlertId.values();
    }

    /** The report over {@code [fromMillis, toMillis)} with {@code devices} as the denominator. */
    BurdenReport report(long fromMillis, long toMillis, Collection<DeviceInScope> devices) {
        return AlarmBurden.compute(fromMillis, toMillis, devices, byAlertId.values(), AlarmBurden.DEFAULT_TOP_DEVICES);
    }

    static AlertHistory toHistory(AlertTransition t) {
        List<AlertHistory.Step> steps = new ArrayList<>(t.history().size());
        for (HistoryEntry h : t.history()) {
            steps.add(new AlertHistory.Step(h.change().name(), h.atMillis(), h.actor()));
        }
        return new AlertHistory(t.alertId(), t.deviceId(), t.deviceType() == null ? null : t.deviceType().wireName(),
                t.careUnit(), t.type().name(), t.raisedTs(), steps);
    }
}
