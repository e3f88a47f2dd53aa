package vigil.demo.bench;

import java.util.HashMap;
import java.util.Map;

/** A parsed Prometheus text scrape: sums series by metric name, optionally filtered by one label. */
final class Scrape {
    private final Map<String, Double> byName = new HashMap<>();
    private final String text;

    Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            double value = parse(line.substring(space + 1));
            if (!Double.isNaN(value)) {
                byName.merge(name, value, Double::sum);
            }
        }
    }

    /** The sum of every series of {@code name}; 0 when absent. */
    double sum(String name) {
        return byName.getOrDefault(name, 0.0);
    }

    /**
     * A counter's total by its Micrometer name turned Prometheus ({@code vigil.records.in} -> {@code vigil_records_in},
     * whatever base-unit suffix the naming convention appended).
     */
    double counter(String prefix) {
        double total = 0;
        for (Map.Entry<String, Double> e : byName.entrySet()) {
            String n = e.getKey();
            if (n.equals(prefix + "_total") || n.matches(java.util.regex.Pattern.quote(prefix) + "_[a-z]+_total")) {
                total += e.getValue();
            }
        }
        return total;
    }

    /** A gauge's sum over its series, by prefix as {@link #counter}. */
    double gauge(String prefix) {
        double total = 0;
        for (Map.Entry<String, Double> e : byName.entrySet()) {
            String n = e.getKey();
            if (n.equals(prefix) || n.matches(java.util.regex.Pattern.quote(prefix) + "_[a-z]+")) {
                total += e.getValue();
            }
        }
        return total;
    }

    /** The sum of the series of {@code name} whose labels contain {@code label}, e.g. {@code area="heap"}. */
    double sum(String name, String label) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                double v = parse(line.substring(line.lastIndexOf(' ') + 1));
                if (!Double.isNaN(v)) {
                    total += v;
                }
            }
        }
        return total;
    }

    /** The largest value among the series of {@code name} (NaN when none). */
    double max(String name) {
        double max = Double.NaN;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                double v = parse(line.substring(line.lastIndexOf(' ') + 1));
                if (!Double.isNaN(v) && (Double.isNaN(max) || v > max)) {
                    max = v;
                }
            }
        }
        return max;
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The sum of the series named {@code prefix + suffix} (or with a base-unit part between them, as
     * {@link #counter}) whose labels contain {@code label} ({@code null}: any); NaN when no such series exists, so
     * that a meter the consumer does not have is told apart from one that counted nothing.
     */
    double labelled(String prefix, String suffix, String label) {
        java.util.regex.Pattern name = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(prefix) + "(_[a-z]+)?" + java.util.regex.Pattern.quote(suffix));
        double total = Double.NaN;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String n = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            String labels = brace >= 0 && brace < space ? line.substring(brace, line.lastIndexOf('}', space) + 1) : "";
            if (!name.matcher(n).matches() || (label != null && !labels.contains(label))) {
                continue;
            }
            double v = parse(line.substring(space + 1));
            if (!Double.isNaN(v)) {
                total = Double.isNaN(total) ? v : total + v;
            }
        }
        return total;
    }
}
