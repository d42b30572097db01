package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed row and its JSON object: nothing read is lost or reordered, absent figures read as the report expects. */
class BenchRecordTest {
    /** A row as the C front end might write it, with keys this class does not know between the ones it does. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> cRow() {
        return (Map<String, Object>) Json.parse("""
                {"frontend": "c", "transport": "shm", "metric": "rtt", "x_future_key": {"a": [1, 2.5, "s"]},
                 "wait": "spin", "placement": "cross-core", "chunk_bytes": 1, "count": 5, "p50_ns": 2000,
                 "p50_ns_min": 1900.5, "unknown_flag": false, "p90_ns": null, "verified": true}
                """);
    }

    @Test
    void aRecordWithUnknownKeysRoundTripsUnchanged() {
        Map<String, Object> in = cRow();
        BenchRecord r = BenchRecord.fromJson(in);
        Map<String, Object> out = r.toJson();
        assertThat(out).isEqualTo(in);
        assertThat(new ArrayList<>(out.keySet())).isEqualTo(new ArrayList<>(in.keySet()));
        // the same JSON types: a whole number stays a Long, a fraction a Double
        assertThat(out.get("p50_ns")).isInstanceOf(Long.class);
        assertThat(out.get("p50_ns_min")).isInstanceOf(Double.class);
        assertThat(Json.write(out)).isEqualTo(Json.write(in));
        assertThat(r.extra()).containsOnlyKeys("x_future_key", "unknown_flag", "p90_ns");
    }

    @Test
    void typedAccessorsAnswerAsTheMapLookupsDid() {
        BenchRecord r = BenchRecord.fromJson(cRow());
        assertThat(r.frontend()).isEqualTo("c");
        assertThat(r.waitMode()).isEqualTo("spin");
        assertThat(r.countText()).isEqualTo("5");
        assertThat(r.chunkBytesText()).isEqualTo("1");
        assertThat(r.p50Ns()).isEqualTo(2000.0);
        assertThat(r.hasP50NsRange()).isTrue();
        // absent, null or not a number: NaN; absent text: ""
        assertThat(r.p50NsMax()).isNaN();
        assertThat(r.p90Ns()).isNaN();
        assertThat(r.mbPerS()).isNaN();
        assertThat(r.hasMbPerS()).isFalse();
        assertThat(r.work()).isEmpty();
        assertThat(r.noisy()).isFalse();
        assertThat(r.hasVerified()).isTrue();
        assertThat(r.verified()).isTrue();
    }

    @Test
    void aKnownKeyOfAnotherTypeIsKeptAsRead() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("transport", 7L);
        in.put("mb_per_s", "fast");
        in.put("noisy", "yes");
        BenchRecord r = BenchRecord.fromJson(in);
        assertThat(r.toJson()).isEqualTo(in);
        assertThat(r.transport()).isEqualTo("7");
        assertThat(r.hasMbPerS()).isTrue();
        assertThat(r.mbPerS()).isNaN();
        assertThat(r.noisy()).isFalse();
        assertThat(Report.csv(List.of(r))).isEqualTo("transport,mb_per_s,noisy\n7,fast,yes\n");
    }
}
