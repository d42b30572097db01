package io.myipc.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One result row (rtt, throughput or rate, of either front end) with typed accessors for what the report reads.
 *
 * <p>JSON stays the interchange format between the front ends (myipc-bench/RESULTS.md), so the conversion happens
 * at the boundary only: {@link #fromJson} when a row is read or assembled, {@link #toJson} when it is written. A row
 * written back is the row read: its keys in the same order, its values in the same JSON types (a median the C front
 * end wrote as a whole number stays a Long, so CSV and JSON print it the same way), and the keys this class does not
 * read kept in {@code extra}. A known key whose value has an unexpected type (or is null) also stays in
 * {@code extra}: the accessors then answer as the old map lookups did (NaN for a number, the value's text for a
 * string), so the report renders every file it rendered before byte for byte.
 */
final class BenchRecord {
    /** Every key in the order read; toJson writes them in this order. */
    private final List<String> keys;
    /** The keys not read with a type, and known keys whose value was of another type; values as read. */
    private final Map<String, Object> extra;

    private String frontend;
    private String transport;
    private String metric;
    private String wait;
    private String placement;
    private String work;
    private String api;
    private String note;
    // numbers keep the boxed type they were read with (Long, Integer or Double): JSON and CSV print them by type
    private Number chunkBytes;
    private Number count;
    private Number mbPerS;
    private Number mbPerSMin;
    private Number mbPerSMax;
    private Number p50Ns;
    private Number p50NsMin;
    private Number p50NsMax;
    private Number p90Ns;
    private Number p99Ns;
    private Number p999Ns;
    private Number maxNs;
    private Number spreadPct;
    private Number cpuNsPerMsgWriter;
    private Number cpuNsPerMsgReader;
    private Number cpuPctWriter;
    private Number cpuPctReader;
    private Number threadCpuPctWriter;
    private Number threadCpuPctReader;
    private Number rateTargetPerS;
    private Number rateAchievedPerS;
    private Boolean noisy;
    private Boolean verified;

    private BenchRecord(List<String> keys, Map<String, Object> extra) {
        this.keys = keys;
        this.extra = extra;
    }

    /** A row from its JSON object (as {@link Json#parse} or the runner built it); the map is not kept. */
    static BenchRecord fromJson(Map<String, Object> m) {
        Map<String, Object> extra = new LinkedHashMap<>();
        BenchRecord r = new BenchRecord(Collections.unmodifiableList(new ArrayList<>(m.keySet())),
                Collections.unmodifiableMap(extra));
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!r.assign(e.getKey(), e.getValue())) {
                extra.put(e.getKey(), e.getValue());
            }
        }
        return r;
    }

    /** The row as a JSON object: the keys in the order read, the values of the types read. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : keys) {
            Object v = typed(k);
            m.put(k, v != null ? v : extra.get(k));
        }
        return m;
    }

    /** The keys this class does not read with a type (and known keys of an unexpected type), as read. */
    Map<String, Object> extra() {
        return extra;
    }

    private boolean assign(String key, Object v) {
        if (v instanceof String s) {
            switch (key) {
                case "frontend" -> frontend = s;
                case "transport" -> transport = s;
                case "metric" -> metric = s;
                case "wait" -> wait = s;
                case "placement" -> placement = s;
                case "work" -> work = s;
                case "api" -> api = s;
                case "note" -> note = s;
                default -> {
                    return false;
                }
            }
            return true;
        }
        if (v instanceof Number n) {
            switch (key) {
                case "chunk_bytes" -> chunkBytes = n;
                case "count" -> count = n;
                case "mb_per_s" -> mbPerS = n;
                case "mb_per_s_min" -> mbPerSMin = n;
                case "mb_per_s_max" -> mbPerSMax = n;
                case "p50_ns" -> p50Ns = n;
                case "p50_ns_min" -> p50NsMin = n;
                case "p50_ns_max" -> p50NsMax = n;
                case "p90_ns" -> p90Ns = n;
                case "p99_ns" -> p99Ns = n;
                case "p999_ns" -> p999Ns = n;
                case "max_ns" -> maxNs = n;
                case "spread_pct" -> spreadPct = n;
                case "cpu_ns_per_msg_writer" -> cpuNsPerMsgWriter = n;
                case "cpu_ns_per_msg_reader" -> cpuNsPerMsgReader = n;
                case "cpu_pct_writer" -> cpuPctWriter = n;
                case "cpu_pct_reader" -> cpuPctReader = n;
                case "thread_cpu_pct_writer" -> threadCpuPctWriter = n;
                case "thread_cpu_pct_reader" -> threadCpuPctReader = n;
                case "rate_target_per_s" -> rateTargetPerS = n;
                case "rate_achieved_per_s" -> rateAchievedPerS = n;
                default -> {
                    return false;
                }
            }
            return true;
        }
        if (v instanceof Boolean b) {
            switch (key) {
                case "noisy" -> noisy = b;
                case "verified" -> verified = b;
                default -> {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** The typed value of a key, or null when the key is not typed or its value went to {@code extra}. */
    private Object typed(String key) {
        return switch (key) {
            case "frontend" -> frontend;
            case "transport" -> transport;
            case "metric" -> metric;
            case "wait" -> wait;
            case "placement" -> placement;
            case "work" -> work;
            case "api" -> api;
            case "note" -> note;
            case "chunk_bytes" -> chunkBytes;
            case "count" -> count;
            case "mb_per_s" -> mbPerS;
            case "mb_per_s_min" -> mbPerSMin;
            case "mb_per_s_max" -> mbPerSMax;
            case "p50_ns" -> p50Ns;
            case "p50_ns_min" -> p50NsMin;
            case "p50_ns_max" -> p50NsMax;
            case "p90_ns" -> p90Ns;
            case "p99_ns" -> p99Ns;
            case "p999_ns" -> p999Ns;
            case "max_ns" -> maxNs;
            case "spread_pct" -> spreadPct;
            case "cpu_ns_per_msg_writer" -> cpuNsPerMsgWriter;
            case "cpu_ns_per_msg_reader" -> cpuNsPerMsgReader;
            case "cpu_pct_writer" -> cpuPctWriter;
            case "cpu_pct_reader" -> cpuPctReader;
            case "thread_cpu_pct_writer" -> threadCpuPctWriter;
            case "thread_cpu_pct_reader" -> threadCpuPctReader;
            case "rate_target_per_s" -> rateTargetPerS;
            case "rate_achieved_per_s" -> rateAchievedPerS;
            case "noisy" -> noisy;
            case "verified" -> verified;
            default -> null;
        };
    }

    /** Absent (or not a number): NaN, so that every figure computed from it prints as "-". */
    private static double num(Number n) {
        return n == null ? Double.NaN : n.doubleValue();
    }

    /** The text of a key's value as read, "" when absent or null (what the report prints and matches on). */
    private String text(String key, Object typedValue) {
        Object v = typedValue != null ? typedValue : extra.get(key);
        return v == null ? "" : v.toString();
    }

    /** Whether the row has the key at all (even with a null value or a value of an unexpected type). */
    private boolean has(String key) {
        return keys.contains(key);
    }

    String frontend() {
        return text("frontend", frontend);
    }

    String transport() {
        return text("transport", transport);
    }

    String metric() {
        return text("metric", metric);
    }

    /** spin, sleep or hybrid ({@code wait()} is Object's). */
    String waitMode() {
        return text("wait", wait);
    }

    String placement() {
        return text("placement", placement);
    }

    String work() {
        return text("work", work);
    }

    String api() {
        return text("api", api);
    }

    String note() {
        return text("note", note);
    }

    /** The count as written (a whole number prints without ".0"). */
    String countText() {
        return text("count", count);
    }

    double chunkBytes() {
        return num(chunkBytes);
    }

    /** The chunk size as written: rows match on it as text, so 4096 and 4096.0 stay different sizes. */
    String chunkBytesText() {
        return text("chunk_bytes", chunkBytes);
    }

    boolean hasMbPerS() {
        return has("mb_per_s");
    }

    double mbPerS() {
        return num(mbPerS);
    }

    /** Whether the row carries the min-max of its repeats (a C row of one run may not). */
    boolean hasMbPerSRange() {
        return has("mb_per_s_min");
    }

    double mbPerSMin() {
        return num(mbPerSMin);
    }

    double mbPerSMax() {
        return num(mbPerSMax);
    }

    double p50Ns() {
        return num(p50Ns);
    }

    boolean hasP50NsRange() {
        return has("p50_ns_min");
    }

    double p50NsMin() {
        return num(p50NsMin);
    }

    double p50NsMax() {
        return num(p50NsMax);
    }

    double p90Ns() {
        return num(p90Ns);
    }

    double p99Ns() {
        return num(p99Ns);
    }

    double p999Ns() {
        return num(p999Ns);
    }

    double maxNs() {
        return num(maxNs);
    }

    double spreadPct() {
        return num(spreadPct);
    }

    double cpuNsPerMsgWriter() {
        return num(cpuNsPerMsgWriter);
    }

    double cpuNsPerMsgReader() {
        return num(cpuNsPerMsgReader);
    }

    double cpuPctWriter() {
        return num(cpuPctWriter);
    }

    double cpuPctReader() {
        return num(cpuPctReader);
    }

    double threadCpuPctWriter() {
        return num(threadCpuPctWriter);
    }

    double threadCpuPctReader() {
        return num(threadCpuPctReader);
    }

    double rateTargetPerS() {
        return num(rateTargetPerS);
    }

    double rateAchievedPerS() {
        return num(rateAchievedPerS);
    }

    /** True only when the row says {@code "noisy": true}. */
    boolean noisy() {
        return Boolean.TRUE.equals(noisy);
    }

    /** Whether the row says anything about its correctness pass (included C rows may not). */
    boolean hasVerified() {
        return has("verified");
    }

    /** True only when the row says {@code "verified": true}. */
    boolean verified() {
        return Boolean.TRUE.equals(verified);
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
