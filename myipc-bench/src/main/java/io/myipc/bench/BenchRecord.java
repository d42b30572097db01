package io.myipc.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    /**
     * The keys the report reads, each with the JSON type its value must have; the JSON name is the constant's name in
     * lower case ({@code MB_PER_S} is {@code "mb_per_s"}). The row schema itself is myipc-bench/RESULTS.md.
     */
    enum Field {
        FRONTEND(String.class), TRANSPORT(String.class), METRIC(String.class), WAIT(String.class),
        PLACEMENT(String.class), WORK(String.class), API(String.class), NOTE(String.class),
        // numbers keep the boxed type they were read with (Long, Integer or Double): JSON and CSV print them by type
        CHUNK_BYTES(Number.class), COUNT(Number.class),
        MB_PER_S(Number.class), MB_PER_S_MIN(Number.class), MB_PER_S_MAX(Number.class),
        P50_NS(Number.class), P50_NS_MIN(Number.class), P50_NS_MAX(Number.class),
        P90_NS(Number.class), P99_NS(Number.class), P999_NS(Number.class), MAX_NS(Number.class),
        SPREAD_PCT(Number.class),
        CPU_NS_PER_MSG_WRITER(Number.class), CPU_NS_PER_MSG_READER(Number.class),
        CPU_PCT_WRITER(Number.class), CPU_PCT_READER(Number.class),
        THREAD_CPU_PCT_WRITER(Number.class), THREAD_CPU_PCT_READER(Number.class),
        RATE_TARGET_PER_S(Number.class), RATE_ACHIEVED_PER_S(Number.class),
        NOISY(Boolean.class), VERIFIED(Boolean.class);

        private static final Map<String, Field> BY_JSON = new HashMap<>();

        static {
            for (Field k : values()) {
                BY_JSON.put(k.json, k);
            }
        }

        final String json = name().toLowerCase(Locale.ROOT);
        final Class<?> type;

        Field(Class<?> type) {
            this.type = type;
        }

        /** The key of a JSON name, or null when the report does not read it. */
        static Field of(String json) {
            return BY_JSON.get(json);
        }
    }

    /** Every key in the order read; toJson writes them in this order. */
    private final List<String> keys;
    /** The values of the known keys that have their key's type. */
    private final Map<Field, Object> typed = new EnumMap<>(Field.class);
    /** The keys not read with a type, and known keys whose value was of another type; values as read. */
    private final Map<String, Object> extra;

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
            Field k = Field.of(e.getKey());
            if (k != null && k.type.isInstance(e.getValue())) {
                r.typed.put(k, e.getValue());
            } else {
                extra.put(e.getKey(), e.getValue());
            }
        }
        return r;
    }

    /** The row as a JSON object: the keys in the order read, the values of the types read. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : keys) {
            Field key = Field.of(k);
            Object v = key != null ? typed.get(key) : null;
            m.put(k, v != null ? v : extra.get(k));
        }
        return m;
    }

    /** The keys this class does not read with a type (and known keys of an unexpected type), as read. */
    Map<String, Object> extra() {
        return extra;
    }

    /** Absent (or not a number): NaN, so that every figure computed from it prints as "-". */
    private double num(Field k) {
        return typed.get(k) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The text of a key's value as read, "" when absent or null (what the report prints and matches on). */
    private String text(Field k) {
        Object v = typed.getOrDefault(k, extra.get(k.json));
        return v == null ? "" : v.toString();
    }

    /** Whether the row has the key at all (even with a null value or a value of an unexpected type). */
    private boolean has(Field k) {
        return keys.contains(k.json);
    }

    String frontend() {
        return text(Field.FRONTEND);
    }

    String transport() {
        return text(Field.TRANSPORT);
    }

    String metric() {
        return text(Field.METRIC);
    }

    /** spin, sleep or hybrid ({@code wait()} is Object's). */
    String waitMode() {
        return text(Field.WAIT);
    }

    String placement() {
        return text(Field.PLACEMENT);
    }

    String work() {
        return text(Field.WORK);
    }

    String api() {
        return text(Field.API);
    }

    String note() {
        return text(Field.NOTE);
    }

    /** The count as written (a whole number prints without ".0"). */
    String countText() {
        return text(Field.COUNT);
    }

    double chunkBytes() {
        return num(Field.CHUNK_BYTES);
    }

    /** The chunk size as written: rows match on it as text, so 4096 and 4096.0 stay different sizes. */
    String chunkBytesText() {
        return text(Field.CHUNK_BYTES);
    }

    boolean hasMbPerS() {
        return has(Field.MB_PER_S);
    }

    double mbPerS() {
        return num(Field.MB_PER_S);
    }

    /** Whether the row carries the min-max of its repeats (a C row of one run may not). */
    boolean hasMbPerSRange() {
        return has(Field.MB_PER_S_MIN);
    }

    double mbPerSMin() {
        return num(Field.MB_PER_S_MIN);
    }

    double mbPerSMax() {
        return num(Field.MB_PER_S_MAX);
    }

    double p50Ns() {
        return num(Field.P50_NS);
    }

    boolean hasP50NsRange() {
        return has(Field.P50_NS_MIN);
    }

    double p50NsMin() {
        return num(Field.P50_NS_MIN);
    }

    double p50NsMax() {
        return num(Field.P50_NS_MAX);
    }

    double p90Ns() {
        return num(Field.P90_NS);
    }

    double p99Ns() {
        return num(Field.P99_NS);
    }

    double p999Ns() {
        return num(Field.P999_NS);
    }

    double maxNs() {
        return num(Field.MAX_NS);
    }

    double spreadPct() {
        return num(Field.SPREAD_PCT);
    }

    double cpuNsPerMsgWriter() {
        return num(Field.CPU_NS_PER_MSG_WRITER);
    }

    double cpuNsPerMsgReader() {
        return num(Field.CPU_NS_PER_MSG_READER);
    }

    double cpuPctWriter() {
        return num(Field.CPU_PCT_WRITER);
    }

    double cpuPctReader() {
        return num(Field.CPU_PCT_READER);
    }

    double threadCpuPctWriter() {
        return num(Field.THREAD_CPU_PCT_WRITER);
    }

    double threadCpuPctReader() {
        return num(Field.THREAD_CPU_PCT_READER);
    }

    double rateTargetPerS() {
        return num(Field.RATE_TARGET_PER_S);
    }

    double rateAchievedPerS() {
        return num(Field.RATE_ACHIEVED_PER_S);
    }

    /** True only when the row says {@code "noisy": true}. */
    boolean noisy() {
        return Boolean.TRUE.equals(typed.get(Field.NOISY));
    }

    /** Whether the row says anything about its correctness pass (included C rows may not). */
    boolean hasVerified() {
        return has(Field.VERIFIED);
    }

    /** True only when the row says {@code "verified": true}. */
    boolean verified() {
        return Boolean.TRUE.equals(typed.get(Field.VERIFIED));
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
