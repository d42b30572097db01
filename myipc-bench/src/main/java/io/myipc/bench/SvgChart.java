package io.myipc.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** A two-panel SVG chart drawn by hand: RTT percentiles per transport and throughput per chunk size, both log y. */
public final class SvgChart {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#ad494a", "#637939", "#843c39", "#3182bd",
        "#e6550d"};
    private static final String[] PCT_NAMES = {"p50", "p90", "p99", "p99.9", "max"};

    private SvgChart() {
    }

    /** One line: medians {@code y}, and per point the min-max of the repeats ({@code lo}, {@code hi}; NaN: none). */
    record Series(String label, boolean dashed, double[] y, double[] lo, double[] hi, String transport, boolean sleep) {
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    /** One color per transport name (the same for both front ends), in order of first appearance. */
    private static final class Palette {
        private final Map<String, String> byTransport = new LinkedHashMap<>();

        String color(String transport) {
            return byTransport.computeIfAbsent(transport, t -> COLORS[byTransport.size() % COLORS.length]);
        }
    }

    /** Splits a long header line at ", " so that it fits the width of the chart. */
    static List<String> wrap(String line, int max) {
        List<String> out = new ArrayList<>();
        String rest = line;
        while (rest.length() > max) {
            int cut = rest.lastIndexOf(", ", max);
            if (cut <= 0) {
                break;
            }
            out.add(rest.substring(0, cut + 1));
            rest = "    " + rest.substring(cut + 2);
        }
        out.add(rest);
        return out;
    }

    static String render(Map<String, Object> env, List<Map<String, Object>> incEnvs, List<BenchRecord> all) {
        // latency series: one per (front end, transport, wait, placement)
        Map<String, String> modes = Report.modes(env, incEnvs);
        // under icount, what is not meaningful there is left out (and the header says so)
        List<BenchRecord> shown = all.stream().filter(r -> !Report.notMeaningful(r, modes)).toList();
        boolean dropped = shown.size() < all.size();
        List<Series> lat = new ArrayList<>();
        for (BenchRecord r : shown) {
            if (!"rtt".equals(r.metric())) {
                continue;
            }
            // in the order of PCT_NAMES
            double[] y = {r.p50Ns(), r.p90Ns(), r.p99Ns(), r.p999Ns(), r.maxNs()};
            double[] lo = nans(y.length), hi = nans(y.length);
            lo[0] = r.p50NsMin();
            hi[0] = r.p50NsMax();
            lat.add(new Series(r.frontend() + " " + r.transport() + " " + r.waitMode()
                    + ("same-core".equals(r.placement()) ? " same-core" : ""),
                    "c".equals(r.frontend()), y, lo, hi, r.transport(), !"spin".equals(r.waitMode())));
        }
        TreeSet<Long> sizes = new TreeSet<>();
        for (BenchRecord r : shown) {
            if ("throughput".equals(r.metric()) && r.hasMbPerS()) {
                sizes.add((long) r.chunkBytes());
            }
        }
        List<Long> sizeList = new ArrayList<>(sizes);
        Map<String, double[][]> thrMap = new LinkedHashMap<>();
        Map<String, Boolean> thrC = new LinkedHashMap<>();
        Map<String, String> thrT = new LinkedHashMap<>();
        for (BenchRecord r : shown) {
            if (!"throughput".equals(r.metric()) || !r.hasMbPerS()) {
                continue;
            }
            String key = r.frontend() + " " + r.transport() + (Report.indicesOnly(r) ? " (indices only)" : "")
                    + ("same-core".equals(r.placement()) ? " same-core" : "");
            double[][] y = thrMap.computeIfAbsent(key, k -> new double[][] {nans(sizeList.size()),
                nans(sizeList.size()), nans(sizeList.size())});
            thrC.put(key, "c".equals(r.frontend()));
            thrT.put(key, r.transport());
            int i = sizeList.indexOf((long) r.chunkBytes());
            y[0][i] = r.mbPerS();
            y[1][i] = r.mbPerSMin();
            y[2][i] = r.mbPerSMax();
        }
        List<Series> thr = new ArrayList<>();
        thrMap.forEach((k, v) -> thr.add(new Series(k, thrC.get(k), v[0], v[1], v[2], thrT.get(k), false)));

        int w = 1200, panelW = 540, panelH = 340, left1 = 70, left2 = 660;
        List<String> header = new ArrayList<>();
        header.addAll(wrap("Measured on: " + Report.whereLine(env), 190));
        for (Map<String, Object> e : incEnvs) {
            header.addAll(wrap("Included: " + Report.whereLine(e), 190));
        }
        boolean emulated = Boolean.TRUE.equals(env.get("emulated"))
                || incEnvs.stream().anyMatch(e -> Boolean.TRUE.equals(e.get("emulated")));
        header.add("Mode: " + Report.modeLine(modes).substring("mode: ".length())
                + (dropped ? " (spin round trips and kmod-mutex left out: " + Report.NOT_MEANINGFUL + ")" : ""));
        int top = 40 + 16 * header.size() + (emulated ? 22 : 0) + 30;
        int legendRows = Math.max((lat.size() + 1) / 2, (thr.size() + 1) / 2);
        int h = top + panelH + 60 + 16 * legendRows + 20;

        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h, w, h));
        sb.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                w, h));
        sb.append("<text x=\"20\" y=\"26\" font-size=\"18\" font-weight=\"bold\">myipc benchmark: round-trip latency"
                + " and throughput per transport</text>\n");
        int y = 46;
        for (String l : header) {
            sb.append(text(20, y, 11, "#333", l));
            y += 16;
        }
        if (emulated) {
            sb.append(text(20, y + 4, 14, "#b00000",
                    "Under emulation (QEMU TCG) only ratios within one run mean anything."));
            y += 22;
        }
        int py = top;
        Palette palette = new Palette();
        panel(sb, left1, py, panelW, panelH, "Round trip of 1-byte messages (log scale)", "latency",
                List.of(PCT_NAMES), lat, true, palette);
        List<String> sizeNames = new ArrayList<>();
        for (long s : sizeList) {
            sizeNames.add(Report.sizeName(s));
        }
        panel(sb, left2, py, panelW, panelH, "Throughput, MB/s = 10^6 bytes/s (log scale)", "MB/s", sizeNames, thr,
                false, palette);
        sb.append(text(20, h - 8, 10, "#666", "One color per transport. Solid lines: Java front end; dashed: C front"
                + " end. Points: medians of the repeats,"
                + " whiskers: their min-max. Round trip: dots = spinning, squares and thin lines = sleep/hybrid."));
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String text(double x, double y, int size, String color, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\">%s</text>%n", x, y,
                size, color, esc(s));
    }

    private static String fmtNs(double ns) {
        if (ns >= 1e9) {
            return String.format(Locale.ROOT, "%.0f s", ns / 1e9);
        }
        if (ns >= 1e6) {
            return String.format(Locale.ROOT, "%.0f ms", ns / 1e6);
        }
        if (ns >= 1e3) {
            return String.format(Locale.ROOT, "%.0f µs", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f ns", ns);
    }

    private static String fmtMb(double v) {
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }

    private static void panel(StringBuilder sb, int x0, int y0, int pw, int ph, String title, String unit,
                              List<String> xs, List<Series> series, boolean ns, Palette palette) {
        sb.append(text(x0, y0 - 12, 14, "#000", title));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>%n", x0, y0, pw, ph));
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] a : new double[][] {s.y(), s.lo(), s.hi()}) {
                for (double v : a) {
                    if (v > 0 && !Double.isNaN(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        if (series.isEmpty() || lo == Double.POSITIVE_INFINITY) {
            sb.append(text(x0 + 20, y0 + ph / 2.0, 13, "#666", "no " + unit + " figures in this run"));
            return;
        }
        int dLo = (int) Math.floor(Math.log10(lo)), dHi = (int) Math.ceil(Math.log10(hi));
        if (dHi == dLo) {
            dHi++;
        }
        final int dl = dLo, dh = dHi;
        java.util.function.DoubleUnaryOperator ty = v -> y0 + ph - (Math.log10(v) - dl) / (dh - dl) * ph;
        for (int d = dLo; d <= dHi; d++) {
            double v = Math.pow(10, d);
            double yy = ty.applyAsDouble(v);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
                    + " stroke=\"#ddd\"/>%n", x0, yy, x0 + pw, yy));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\""
                    + " text-anchor=\"end\">%s</text>%n", x0 - 4, yy + 4, esc(ns ? fmtNs(v) : fmtMb(v))));
        }
        int n = xs.size();
        double step = n > 1 ? (pw - 60.0) / (n - 1) : 0;
        for (int i = 0; i < n; i++) {
            double xx = x0 + 30 + i * step + (n == 1 ? pw / 2.0 - 30 : 0);
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\""
                    + " text-anchor=\"middle\">%s</text>%n", xx, y0 + ph + 16, esc(xs.get(i))));
        }
        int k = 0;
        for (Series s : series) {
            String color = palette.color(s.transport());
            StringBuilder pts = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < n && i < s.y().length; i++) {
                double v = s.y()[i];
                if (!(v > 0)) {
                    continue;
                }
                double xx = x0 + 30 + i * step + (n == 1 ? pw / 2.0 - 30 : 0);
                double yy = ty.applyAsDouble(v);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", xx, yy));
                double wlo = s.lo()[i], whi = s.hi()[i];
                if (wlo > 0 && whi > 0) {
                    // the min-max of the repeats: a whisker with caps
                    double y1 = ty.applyAsDouble(wlo), y2 = ty.applyAsDouble(whi);
                    dots.append(String.format(Locale.ROOT, "<path class=\"whisker\" d=\"M%.1f,%.1f V%.1f M%.1f,%.1f"
                            + " H%.1f M%.1f,%.1f H%.1f\" stroke=\"%s\" stroke-width=\"1\" fill=\"none\"/>%n",
                            xx, y1, y2, xx - 3, y1, xx + 3, xx - 3, y2, xx + 3, color));
                }
                String mark = s.sleep()
                        ? String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"5\" height=\"5\""
                                + " fill=\"%s\">", xx - 2.5, yy - 2.5, color)
                        : String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\">", xx, yy,
                                color);
                String value = ns ? fmtNs(v) + " (" + Math.round(v) + " ns)"
                        : String.format(Locale.ROOT, "%.1f MB/s", v);
                dots.append(mark).append(String.format(Locale.ROOT, "<title>%s %s: %s</title>%s%n", esc(s.label()),
                        esc(xs.get(i)), esc(value), s.sleep() ? "</rect>" : "</circle>"));
            }
            String dash = s.dashed() ? " stroke-dasharray=\"5,3\"" : "";
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s"
                    + " points=\"%s\"/>%n", color, s.sleep() ? "0.9" : "1.8", dash, pts.toString().trim()));
            sb.append(dots);
            int lx = x0 + (k % 2) * (pw / 2), ly = y0 + ph + 40 + (k / 2) * 16;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-width=\"%s\"%s/>%n", lx, ly - 4, lx + 22, ly - 4, color, s.sleep() ? "1" : "2", dash));
            sb.append(text(lx + 28, ly, 11, "#000", s.label()));
            k++;
        }
    }
}
