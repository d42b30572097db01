// SPDX-License-Identifier: GPL-2.0
/*
 * myipc-bench-c --self-test: a tiny run of every transport, TAP-like
 * output, and that corruption is caught.
 */
#include "bench.h"

#include <stdarg.h>
#include <string.h>

static int tap_n, tap_pass, tap_fail;

static void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	ok ? tap_pass++ : tap_fail++;
}

static const struct record *last_rec(int before)
{
	return rec_count() > before ? rec_at(rec_count() - 1) : NULL;
}

/* n round trips per repeat */
static int sane_rtt(const struct record *r, long n)
{
	return r && r->count == n * opt->repeats && r->repeats == opt->repeats && r->vmin <= r->p50 &&
	       r->p50 <= r->vmax && r->min > 0 && r->min <= r->p50 && r->p50 <= r->p90 &&
	       r->p90 <= r->p99 && r->p99 <= r->p999 && r->p999 <= r->max && r->cpu_w > 0;
}

/* the checksum of reads split anywhere (a stream socket, say) equals the words' sum */
static void fold_self_test(void)
{
	static uint8_t b[8 * 4099];
	uint64_t seed = 1;
	struct fold f = { 0, 0, 0 };
	size_t off = 0;

	words_fill(b, 0, sizeof(b));
	while (off < sizeof(b)) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		size_t n = (size_t)(seed >> 33) % 23;

		n = n < sizeof(b) - off ? n : sizeof(b) - off;
		fold_bytes(&f, b + off, n);
		off += n;
	}
	tap(fold_end(&f) == words_sum(4099) && words_sum(4099) == 4099ull * 4098 / 2,
	    "checksum of reads split at odd places: %llu, words sum to %llu",
	    (unsigned long long)fold_end(&f), (unsigned long long)words_sum(4099));
	b[8 * 1000 + 3] ^= 1;
	memset(&f, 0, sizeof(f));
	fold_bytes(&f, b, 5);
	fold_bytes(&f, b + 5, sizeof(b) - 5);
	tap(fold_end(&f) != words_sum(4099), "a flipped bit changes the checksum");
}

static void correctness_tests(const struct transport *t)
{
	struct verdict v;

	run_correctness(t, 0, &v);
	tap(v.ok, "%s correctness pass%s%s", t->name, v.ok ? "" : ": ", v.msg);
	run_correctness(t, 1, &v);
	tap(!v.ok && strstr(v.msg, "CORRUPTED"), "%s correctness pass detects a flipped byte (%s)",
	    t->name, v.ok ? "NOT DETECTED" : v.msg);
}

static void rtt_tests(const struct transport *t)
{
	char err[256];

	for (int w = 0; w < NWAITS; w++) {
		if (!transport_has_wait(t, w))
			continue;
		int before = rec_count();
		int rc = run_rtt(t, w, 200, 20, 1, err, sizeof(err));
		const struct record *r = last_rec(before);

		tap(!rc && sane_rtt(r, 200) && !strcmp(r->wait, wait_name(w)), "%s rtt %s%s%s", t->name,
		    wait_name(w), rc ? ": " : "", rc ? err : "");
	}
}

/* a timed run, and one with a byte flipped that the checksum must catch */
static void throughput_tests(const struct transport *t)
{
	const char *wait = wait_name(transport_has_wait(t, WAIT_HYBRID) ? WAIT_HYBRID : WAIT_SLEEP);
	char err[256];
	int before = rec_count();
	int rc = run_throughput(t, 4096, 1 << 20, 1, 0, err, sizeof(err));
	const struct record *r = last_rec(before);

	tap(!rc && r && r->mb_per_s > 0 && r->bytes == (1 << 20) && r->count == 256 && r->cpu_w > 0 &&
	    r->repeats == opt->repeats && r->vmin <= r->mb_per_s && r->mb_per_s <= r->vmax &&
	    !strcmp(r->wait, wait) && !strcmp(r->work, transport_reads(t) ? WORK_FULL : WORK_INDICES),
	    "%s throughput (%s)%s%s", t->name, transport_reads(t) ? "checksum held" : WORK_INDICES,
	    rc ? ": " : "", rc ? err : "");
	if (!transport_reads(t))
		return;
	rc = run_throughput(t, 4096, 1 << 20, 1, 1, err, sizeof(err));
	tap(rc && strstr(err, "CHECKSUM MISMATCH") && strstr(err, t->name),
	    "%s: a byte flipped in a timed run fails the checksum (%s)", t->name, rc ? err : "NOT DETECTED");
}

/*
 * Without a correctness pass (the ceiling) the timed runs are all there is
 * to check: at a large chunk too, every byte in chunk-sized slots covering
 * at least 1 MiB and two chunks.
 */
static void unchecked_throughput_tests(const struct transport *t)
{
	char err[256];

	for (size_t chunk = 4096; chunk <= (1u << 20); chunk <<= 8) {
		int before = rec_count();
		int rc = run_throughput(t, chunk, 4u << 20, 1, 0, err, sizeof(err));
		const struct record *r = last_rec(before);

		tap(!rc && r && r->mb_per_s > 0 && r->repeats == opt->repeats && r->capacity >= (1 << 20) &&
		    r->capacity >= 2 * (long)chunk && !strcmp(r->work, WORK_FULL),
		    "%s, chunk %zu: every byte written and read, checksum held%s%s", t->name, chunk,
		    rc ? ": " : "", rc ? err : "");
	}
	int rc = run_throughput(t, 4096, 1u << 20, 1, 1, err, sizeof(err));

	tap(rc && strstr(err, "CHECKSUM MISMATCH"), "%s: a byte flipped in a timed run fails the checksum (%s)",
	    t->name, rc ? err : "NOT DETECTED");
}

static void rate_test(const struct transport *t)
{
	char err[256];
	int before = rec_count();
	int rc = run_rate(t, WAIT_SLEEP, 1000, 0.02, 1, err, sizeof(err));
	const struct record *r = last_rec(before);

	/* 20 messages at 1 ms intervals: the run lasts at least 19 ms */
	tap(!rc && sane_rtt(r, 20) && r->rate_achieved > 0 && r->rate_achieved < 1100,
	    "%s fixed rate 1000/s%s%s", t->name, rc ? ": " : "", rc ? err : "");
}

int self_test(void)
{
	char err[256];

	fold_self_test();
	for (int i = 0; i < NTRANSPORTS; i++) {
		const struct transport *t = &TRANSPORTS[i];
		unsigned int m = transport_metrics(t);

		if (!in_list(opt->transports, t->name))
			continue;
		if (!transport_available(t, err, sizeof(err))) {
			printf("ok %d - %s # SKIP %s\n", ++tap_n, t->name, err);
			continue;
		}
		if (m & M_CORRECTNESS)
			correctness_tests(t);
		if (m & M_RTT)
			rtt_tests(t);
		if ((m & M_THROUGHPUT) && (m & M_CORRECTNESS))
			throughput_tests(t);
		else if (m & M_THROUGHPUT)
			unchecked_throughput_tests(t);
		if (m & M_RATE)
			rate_test(t);
	}
	printf("bench-c: %d passed, %d failed\n", tap_pass, tap_fail);
	return tap_fail ? 1 : 0;
}
