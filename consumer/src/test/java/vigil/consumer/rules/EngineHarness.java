package vigil.consumer.rules;

import java.util.ArrayList;
import java.util.List;
import vigil.telemetry.TelemetryRecord;

/** Drives one {@link AlertEngine} with records as they would arrive, collecting every transition. */
final class EngineHarness {
    final AlertEngine engine;
    final List<AlertTransition> all = new ArrayList<>();

    EngineHarness() {
        this(SettingsSource.NONE);
    }

    EngineHarness(SettingsSource settings) {
        engine = new AlertEngine(settings);
    }

    /** Applies the record, arriving at its own ts; returns the transitions it caused. */
    List<AlertTransition> offer(TelemetryRecord r) {
        return offer(r, r.tsMillis());
    }

    List<AlertTransition> offer(TelemetryRecord r, long arrivalMillis) {
        engine.onApplied(engine.track(r.deviceId()), r, arrivalMillis);
        return drain();
    }

    List<AlertTransition> tick(long nowMillis) {
        engine.onTick(nowMillis);
        return drain();
    }

    List<AlertTransition> drain() {
        List<AlertTransition> t = engine.drainTransitions();
        all.addAll(t);
        return t;
    }

    List<AlertTransition> of(AlertType type) {
        return all.stream().filter(t -> t.type() == type).toList();
    }

    DeviceFigures figures(String deviceId) {
        return engine.track(deviceId).publish();
    }
}
