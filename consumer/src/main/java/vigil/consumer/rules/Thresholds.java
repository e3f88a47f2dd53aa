package vigil.consumer.rules;

import java.util.Arrays;
import java.util.Map;

/**
 * The thresholds in force for one device: the catalogue defaults with the device's overrides applied. Immutable;
 * devices without overrides share {@link #DEFAULTS}.
 */
public final class Thresholds {
    public static final Thresholds DEFAULTS = new Thresholds(defaults());

    private final double[] values; // index = Threshold ordinal

    private Thresholds(double[] values) {
        this.values = values;
    }

    private static double[] defaults() {
        Threshold[] all = Threshold.values();
        double[] v = new double[all.length];
        for (Threshold t : all) {
            v[t.ordinal()] = t.defaultValue();
        }
        return v;
    }

    /**
     * Defaults with overrides; keys are {@code <ALERT_TYPE>.<name>} as in the settings document. Names the catalogue
     * does not define are ignored (the settings API rejects them when they are written).
     */
    public static Thresholds withOverrides(Map<String, Double> overrides) {
        if (overrides.isEmpty()) {
            return DEFAULTS;
        }
        double[] v = defaults();
        overrides.forEach((key, value) -> {
            int dot = key.indexOf('.');
            Threshold t = dot < 0 ? null : Threshold.find(key.substring(0, dot), key.substring(dot + 1));
            if (t != null && value != null && Double.isFinite(value)) {
                v[t.ordinal()] = value;
            }
        });
        return Arrays.equals(v, DEFAULTS.values) ? DEFAULTS : new Thresholds(v);
    }

    public double get(Threshold t) {
        return values[t.ordinal()];
    }
}
