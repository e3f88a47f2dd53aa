package vigil.sim.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One scheduled fault or event of a scenario.
 *
 * @param kind       what happens
 * @param at         when, from the start of the run (simulation time)
 * @param lasting    how long a device fault lasts before the device reverts, or {@code null}: until the run ends
 * @param deviceIds  the devices it hits
 * @param parameters the kind's numeric parameters by name ({@link FaultKind#requiredParameters()})
 */
public record Fault(FaultKind kind, Duration at, Duration lasting, List<String> deviceIds,
        Map<String, Double> parameters) {

    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        deviceIds = List.copyOf(deviceIds);
        parameters = Map.copyOf(parameters);
        if (at.isNegative()) {
            throw new IllegalArgumentException(kind.wireName() + ": 'at' must be >= 0");
        }
        if (lasting != null && (lasting.isNegative() || lasting.isZero())) {
            throw new IllegalArgumentException(kind.wireName() + ": 'for' must be positive");
        }
        if (kind.needsDuration() && lasting == null) {
            throw new IllegalArgumentException(kind.wireName() + " needs 'for'");
        }
        for (String p : kind.requiredParameters()) {
            if (!parameters.containsKey(p)) {
                throw new IllegalArgumentException(kind.wireName() + " needs '" + p + "'");
            }
        }
        if (deviceIds.isEmpty()) {
            throw new IllegalArgumentException(kind.wireName() + " at " + at + " hits no device");
        }
    }

    /** A parameter's value, or {@code fallback} when the scenario did not give it. */
    public double parameter(String name, double fallback) {
        Double v = parameters.get(name);
        return v == null ? fallback : v;
    }

    public long atMillis() {
        return at.toMillis();
    }

    /** End of the fault on the run's time line, or {@code Long.MAX_VALUE} when it lasts to the end. */
    public long endMillis() {
        return lasting == null ? Long.MAX_VALUE : at.toMillis() + lasting.toMillis();
    }
}
