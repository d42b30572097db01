package io.myipc.bench;

import java.util.Arrays;

/**
 * The figures of one point over its timed repeats (SPEC C5): median, min, max, {@code spread_pct} = (max - min) /
 * median * 100, noisy when the spread is over {@link #NOISY_PCT}.
 */
public record Spread(double median, double min, double max, int repeats) {
    public static final double NOISY_PCT = 10.0;

    /** Of the values of the repeats (at least one). */
    public static Spread of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no repeats");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(median, v[0], v[n - 1], n);
    }

    /** The index of the repeat whose value is the median (the lower middle one for an even count). */
    public static int medianIndex(double... values) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(values[a], values[b]));
        return idx[(values.length - 1) / 2];
    }

    public double spreadPct() {
        return median == 0 ? 0 : (max - min) / median * 100;
    }

    public boolean noisy() {
        return spreadPct() > NOISY_PCT;
    }
}
