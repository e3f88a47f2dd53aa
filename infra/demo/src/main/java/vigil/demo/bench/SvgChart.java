package vigil.demo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart written as SVG by hand (no plotting library): axes with ticks, optional log scales, a legend.
 * Good enough for a benchmark report; not a general plotting tool.
 */
final class SvgChart {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 460;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    /** One line; points are (x, y) in data units. */
    record Series(String name, String color, boolean dashed, List<double[]> points) {}

    /** A tick at {@code value} (data units) labelled {@code label}. */
    record Tick(double value, String label) {}

    record Axis(String label, boolean log, List<Tick> ticks) {}

    private SvgChart() {}

    static String lineChart(String title, Axis x, Axis y, List<Series> series) {
        double[] xr = range(series, 0, x);
        double[] yr = range(series, 1, y);
        List<Tick> xTicks = x.ticks().isEmpty() ? autoTicks(xr, x.log()) : x.ticks();
        List<Tick> yTicks = y.ticks().isEmpty() ? autoTicks(yr, y.log()) : y.ticks();
        for (Tick t : xTicks) {
            xr[0] = Math.min(xr[0], t.value());
            xr[1] = Math.max(xr[1], t.value());
        }
        for (Tick t : yTicks) {
            yr[0] = Math.min(yr[0], t.value());
            yr[1] = Math.max(yr[1], t.value());
        }
        int pw = WIDTH - LEFT - RIGHT;
        int ph = HEIGHT - TOP - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT, esc(title)));
        for (Tick t : xTicks) {
            double px = LEFT + pw * frac(t.value(), xr, x.log());
            sb.append(line(px, TOP, px, TOP + ph, "#e4e4e4", false, 1));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px,
                    TOP + ph + 18, esc(t.label())));
        }
        for (Tick t : yTicks) {
            double py = TOP + ph - ph * frac(t.value(), yr, y.log());
            sb.append(line(LEFT, py, LEFT + pw, py, "#e4e4e4", false, 1));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, py + 4, esc(t.label())));
        }
        sb.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n",
                LEFT, TOP, pw, ph));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + pw / 2, HEIGHT - 18, esc(x.label())));
        sb.append(String.format(Locale.ROOT, "<text transform=\"translate(18,%d) rotate(-90)\" text-anchor=\"middle\">"
                + "%s</text>%n", TOP + ph / 2, esc(y.label())));
        int legendY = TOP + 10;
        for (Series s : series) {
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                if (!usable(p[0], x.log()) || !usable(p[1], y.log())) {
                    continue;
                }
                double px = LEFT + pw * frac(p[0], xr, x.log());
                double py = TOP + ph - ph * frac(p[1], yr, y.log());
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n",
                        px, py, s.color()));
            }
            if (path.length() > 0) {
                sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                        path, s.color(), s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            }
            int lx = LEFT + pw + 14;
            sb.append(line(lx, legendY, lx + 26, legendY, s.color(), s.dashed(), 2));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", lx + 32, legendY + 4,
                    esc(s.name())));
            legendY += 20;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static boolean usable(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    private static double[] range(List<Series> series, int i, Axis axis) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (usable(p[i], axis.log())) {
                    min = Math.min(min, p[i]);
                    max = Math.max(max, p[i]);
                }
            }
        }
        if (min == Double.POSITIVE_INFINITY) {
            return new double[] {1, 10};
        }
        if (!axis.log()) {
            min = Math.min(0, min);
        }
        if (max <= min) {
            max = axis.log() ? min * 10 : min + 1;
        }
        return new double[] {min, max};
    }

    private static double frac(double v, double[] r, boolean log) {
        if (log) {
            return (Math.log10(v) - Math.log10(r[0])) / (Math.log10(r[1]) - Math.log10(r[0]));
        }
        return (v - r[0]) / (r[1] - r[0]);
    }

    /** About five round ticks on a linear axis; 1-2-5 per decade on a log axis. */
    static List<Tick> autoTicks(double[] r, boolean log) {
        List<Tick> ticks = new ArrayList<>();
        if (log) {
            double start = Math.pow(10, Math.floor(Math.log10(r[0])));
            for (double d = start; d <= r[1] * 1.0001; d *= 10) {
                for (double m : new double[] {1, 2, 5}) {
                    double v = d * m;
                    if (v >= r[0] / 1.0001 && v <= r[1] * 1.0001) {
                        ticks.add(new Tick(v, number(v)));
                    }
                }
            }
            if (ticks.isEmpty()) {
                ticks.add(new Tick(r[0], number(r[0])));
            }
            // widen the range to whole decades so the line does not hug the frame
            double lo = Math.pow(10, Math.floor(Math.log10(r[0])));
            double hi = Math.pow(10, Math.ceil(Math.log10(r[1])));
            ticks.add(0, new Tick(lo, number(lo)));
            ticks.add(new Tick(hi, number(hi)));
            return ticks;
        }
        double raw = (r[1] - r[0]) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        for (double v = Math.floor(r[0] / step) * step; v <= r[1] + step * 0.999; v += step) {
            ticks.add(new Tick(v, number(v)));
        }
        return ticks;
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String line(double x1, double y1, double x2, double y2, String color, boolean dashed, int width) {
        return String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%d\"%s/>%n",
                x1, y1, x2, y2, color, width, dashed ? " stroke-dasharray=\"6 4\"" : "");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
