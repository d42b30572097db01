// SPDX-License-Identifier: GPL-2.0
/*
 * myipc-bench-c: options, the run plan, the console tables, the JSON
 * document (../RESULTS.md) and the self-test.
 */
#include "bench.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

struct opts O;

static struct record *recs;
static int nrecs, caprecs;

void rec_init(struct record *r, const char *transport, const char *metric, const char *wait)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->transport, sizeof(r->transport), "%s", transport);
	snprintf(r->metric, sizeof(r->metric), "%s", metric);
	snprintf(r->wait, sizeof(r->wait), "%s", wait);
	r->p50 = r->p90 = r->p99 = r->p999 = r->max = r->min = r->mean = NAN;
	r->mb_per_s = r->bytes = r->seconds = NAN;
	r->cpu_w = r->cpu_r = r->pct_w = r->pct_r = NAN;
	r->rate_target = r->rate_achieved = NAN;
	r->chunk_bytes = r->count = r->capacity = -1;
	r->verified = -1;
	r->repeats = -1;
	r->vmin = r->vmax = r->spread = NAN;
}

void rec_add(const struct record *r)
{
	if (nrecs == caprecs) {
		caprecs = caprecs ? 2 * caprecs : 64;
		recs = realloc(recs, sizeof(*recs) * (size_t)caprecs);
		if (!recs)
			die("out of memory");
	}
	recs[nrecs++] = *r;
}

/* ---- JSON ------------------------------------------------------------ */

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void jnum(FILE *f, const char *k, double v, int digits)
{
	if (!isnan(v))
		fprintf(f, ", \"%s\": %.*f", k, digits, v);
}

static void jlong(FILE *f, const char *k, long v)
{
	if (v >= 0)
		fprintf(f, ", \"%s\": %ld", k, v);
}

static const char *placement(void)
{
	return O.same_core ? "same-core" : "cross-core";
}

static void write_json(FILE *f)
{
	fputs("{\n  \"format\": \"myipc-bench/1\",\n", f);
	env_json(f);
	fprintf(f, "    \"placement\": \"%s\",\n    \"cpus\": [%d, %d]\n  },\n", placement(),
		O.cpu_a, O.same_core ? O.cpu_a : O.cpu_b);
	fputs("  \"config\": {\n", f);
	fprintf(f, "    \"quick\": %s,\n    \"bytes_per_point\": %llu,\n    \"verify_bytes_per_size\": %llu,\n",
		O.quick ? "true" : "false", (unsigned long long)O.bytes, (unsigned long long)O.verify_bytes);
	fprintf(f, "    \"rtt_count\": %ld,\n    \"warmup\": %ld,\n    \"rate_seconds\": %g,\n",
		O.rtt_count, O.warmup, O.rate_seconds);
	fprintf(f, "    \"scaled_for_emulation\": %s,\n    \"timeout_s\": %ld,\n", O.scaled ? "true" : "false", O.timeout);
	fprintf(f, "    \"spin_before_sleep\": %ld,\n    \"inject_corruption\": %s,\n", O.spin_before_sleep,
		O.inject_corruption ? "true" : "false");
	fprintf(f, "    \"repeats\": %d,\n    \"warmup_pass\": true,\n    \"hybrid_spins\": %d,\n    \"hybrid_yields\": %d,\n",
		O.repeats, HYBRID_SPINS, HYBRID_YIELDS);
	fprintf(f, "    \"check_ceiling\": %s,\n", O.check_ceiling ? "true" : "false");
	if (O.check_ceiling)
		fprintf(f, "    \"ceiling_tolerance_pct\": %g,\n", O.ceiling_tol);
	fputs("    \"sizes\": [", f);
	for (int i = 0; i < O.nsizes; i++)
		fprintf(f, "%s%zu", i ? ", " : "", O.sizes[i]);
	fputs("],\n    \"rates\": [", f);
	for (int i = 0; i < O.nrates; i++)
		fprintf(f, "%s%ld", i ? ", " : "", O.rates[i]);
	fputs("],\n    \"devices\": [", f);
	for (int i = 0; i < O.ndevs; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, O.devs[i]);
	}
	fputs("],\n    \"units\": \"times in ns (CLOCK_MONOTONIC); 1 MB = 10^6 bytes; "
	      "percentiles exact (nearest rank over every sample, sorted); "
	      "cpu_ns_per_msg = user+sys CPU time (CLOCK_PROCESS_CPUTIME_ID) of that side / messages; "
	      "rate latency counted from the intended send time; "
	      "throughput and p50 = median of the timed repeats after one untimed warm-up pass\",\n", f);
	fputs("    \"work\": \"timed throughput: the writer stores word k (stream offset 8k, little-endian 64-bit) = k "
	      "in every word of the memory it hands over; the reader adds every byte it gets, where it lies, into a "
	      "64-bit sum checked against n(n-1)/2 (a mismatch fails the run)\",\n", f);
	fputs("    \"transports\": {\n", f);
	for (int i = 0; i < NTRANSPORTS; i++) {
		fprintf(f, "      \"%s\": ", TRANSPORTS[i].name);
		json_str(f, TRANSPORTS[i].what);
		fputs(i + 1 < NTRANSPORTS ? ",\n" : "\n", f);
	}
	fputs("    }\n  },\n  \"results\": [\n", f);
	for (int i = 0; i < nrecs; i++) {
		const struct record *r = &recs[i];

		fprintf(f, "    {\"frontend\": \"c\", \"transport\": \"%s\", \"metric\": \"%s\"", r->transport,
			r->metric);
		if (r->wait[0])
			fprintf(f, ", \"wait\": \"%s\"", r->wait);
		fprintf(f, ", \"placement\": \"%s\"", placement());
		jlong(f, "chunk_bytes", r->chunk_bytes);
		jlong(f, "count", r->count);
		jlong(f, "capacity_bytes", r->capacity);
		jnum(f, "rate_target_per_s", r->rate_target, 0);
		jnum(f, "rate_achieved_per_s", r->rate_achieved, 1);
		jnum(f, "min_ns", r->min, 0);
		jnum(f, "mean_ns", r->mean, 1);
		jnum(f, "p50_ns", r->p50, 0);
		jnum(f, "p90_ns", r->p90, 0);
		jnum(f, "p99_ns", r->p99, 0);
		jnum(f, "p999_ns", r->p999, 0);
		jnum(f, "max_ns", r->max, 0);
		jnum(f, "bytes", r->bytes, 0);
		jnum(f, "seconds", r->seconds, 6);
		jnum(f, "mb_per_s", r->mb_per_s, 1);
		if (r->repeats > 0) {
			const char *k = isnan(r->mb_per_s) ? "p50_ns" : "mb_per_s";
			char key[32];

			snprintf(key, sizeof(key), "%s_min", k);
			jnum(f, key, r->vmin, isnan(r->mb_per_s) ? 0 : 1);
			snprintf(key, sizeof(key), "%s_max", k);
			jnum(f, key, r->vmax, isnan(r->mb_per_s) ? 0 : 1);
			fprintf(f, ", \"repeats\": %d", r->repeats);
			jnum(f, "spread_pct", r->spread, 1);
			fprintf(f, ", \"noisy\": %s", r->spread > 10 ? "true" : "false");
		}
		if (r->work[0]) {
			fputs(", \"work\": ", f);
			json_str(f, r->work);
		}
		jnum(f, "cpu_ns_per_msg_writer", r->cpu_w, 1);
		jnum(f, "cpu_ns_per_msg_reader", r->cpu_r, 1);
		jnum(f, "cpu_pct_writer", r->pct_w, 1);
		jnum(f, "cpu_pct_reader", r->pct_r, 1);
		if (r->verified >= 0)
			fprintf(f, ", \"verified\": %s", r->verified ? "true" : "false");
		if (r->note[0]) {
			fputs(", \"note\": ", f);
			json_str(f, r->note);
		}
		fputs(i + 1 < nrecs ? "},\n" : "}\n", f);
	}
	fputs("  ]\n}\n", f);
}

/* ---- console tables --------------------------------------------------- */

static void us(char *b, size_t n, double ns)
{
	if (isnan(ns))
		snprintf(b, n, "-");
	else if (ns < 10000)
		snprintf(b, n, "%.2f", ns / 1000);
	else if (ns < 1e6)
		snprintf(b, n, "%.1f", ns / 1000);
	else
		snprintf(b, n, "%.0f", ns / 1000);
}

/* the throughput record of a transport at a chunk size, NULL if none */
static const struct record *find_tp(const char *transport, long chunk)
{
	for (int i = 0; i < nrecs; i++)
		if (!strcmp(recs[i].metric, "throughput") && !strcmp(recs[i].transport, transport) &&
		    recs[i].chunk_bytes == chunk)
			return &recs[i];
	return NULL;
}

/* every throughput median against the ceiling and the pipe of this run, chunk by chunk */
static void print_ratios(void)
{
	char b[24];
	int any = 0;

	for (int i = 0; i < nrecs; i++) {
		const struct record *r = &recs[i];

		if (strcmp(r->metric, "throughput"))
			continue;
		/* one line per transport: at its first record */
		int first = 1;

		for (int j = 0; j < i; j++)
			if (!strcmp(recs[j].metric, "throughput") && !strcmp(recs[j].transport, r->transport))
				first = 0;
		if (!first)
			continue;
		if (!any++) {
			printf("\nThroughput ratios: to the ceiling / to the pipe, same chunk size, same run\n%-18s", "transport");
			for (int s = 0; s < O.nsizes; s++)
				printf(" %13s", fmt_size(O.sizes[s], b, sizeof(b)));
			putchar('\n');
		}
		snprintf(b, sizeof(b), "%.18s%s", r->transport, strcmp(r->work, WORK_INDICES) ? "" : " idx");
		printf("%-18s", b);
		for (int s = 0; s < O.nsizes; s++) {
			const struct record *x = find_tp(r->transport, (long)O.sizes[s]);
			const struct record *c = find_tp("ceiling", (long)O.sizes[s]);
			const struct record *p = find_tp("pipe", (long)O.sizes[s]);
			char cr[12] = "-", pr[12] = "-";

			if (x && c)
				snprintf(cr, sizeof(cr), "%.2f", x->mb_per_s / c->mb_per_s);
			if (x && p)
				snprintf(pr, sizeof(pr), "%.2f", x->mb_per_s / p->mb_per_s);
			printf(" %6s/%-6s", cr, pr);
		}
		putchar('\n');
	}
}

static void print_tables(void)
{
	char a[7][24];
	int any;

	printf("\nmyipc-bench-c, placement %s (cpus %d,%d)%s\n", placement(), O.cpu_a,
	       O.same_core ? O.cpu_a : O.cpu_b,
	       env_emulated() ? "; UNDER EMULATION: only ratios within one run mean anything" : "");
	any = 0;
	for (int i = 0; i < nrecs; i++) {
		const struct record *r = &recs[i];

		if (strcmp(r->metric, "rtt"))
			continue;
		if (!any++)
			printf("\nRTT of 1-byte messages, microseconds; p50 = median of %d repeats (spread %% = max-min of their p50s,"
			       " * = over 10%%), the rest exact over all samples; CPU ns per round trip\n"
			       "%-14s %-6s %8s %7s %8s %8s %8s %9s %9s %9s %s\n", O.repeats, "transport", "wait", "p50",
			       "spread%", "p90", "p99", "p99.9", "max", "cpu-ping", "cpu-pong", "verified");
		us(a[0], 24, r->p50);
		us(a[1], 24, r->p90);
		us(a[2], 24, r->p99);
		us(a[3], 24, r->p999);
		us(a[4], 24, r->max);
		printf("%-14s %-6s %8s %6.1f%c %8s %8s %8s %9s %9.0f %9.0f %s\n", r->transport, r->wait, a[0],
		       isnan(r->spread) ? 0.0 : r->spread, r->spread > 10 ? '*' : ' ', a[1], a[2],
		       a[3], a[4], r->cpu_w, isnan(r->cpu_r) ? 0.0 : r->cpu_r,
		       r->verified > 0 ? "yes" : "NO");
	}
	any = 0;
	for (int i = 0; i < nrecs; i++) {
		const struct record *r = &recs[i];
		int seen = 0;

		if (strcmp(r->metric, "throughput"))
			continue;
		for (int j = 0; j < i; j++)
			if (!strcmp(recs[j].metric, "throughput") && !strcmp(recs[j].transport, r->transport))
				seen = 1;
		if (seen)
			continue;
		if (!any++) {
			printf("\nThroughput, MB/s (1 MB = 10^6 bytes), median of %d repeats (* = spread over 10%%); "
			       "CPU ns per chunk writer/reader at the largest size.\n"
			       "Work: the writer stores a sequence number in every 8-byte word it hands over, the reader "
			       "adds up every byte it gets (checked)%s.\n%-14s", O.repeats,
			       " - except rows marked 'idx': indices only, no payload touched", "transport");
			printf("%4s", "");
			for (int s = 0; s < O.nsizes; s++)
				printf(" %10s", fmt_size(O.sizes[s], a[0], 24));
			printf(" %10s %10s %s\n", "cpu-w", "cpu-r", "verified");
		}
		snprintf(a[6], 24, "%.18s%s", r->transport, strcmp(r->work, WORK_INDICES) ? "" : " idx");
		printf("%-18s", a[6]);
		const struct record *last = NULL;

		for (int s = 0; s < O.nsizes; s++) {
			const struct record *hit = NULL;

			for (int j = i; j < nrecs; j++)
				if (!strcmp(recs[j].metric, "throughput") &&
				    !strcmp(recs[j].transport, r->transport) &&
				    recs[j].chunk_bytes == (long)O.sizes[s])
					hit = &recs[j];
			if (hit) {
				printf(" %9.0f%c", hit->mb_per_s, hit->spread > 10 ? '*' : ' ');
				last = hit;
			} else {
				printf(" %10s", "-");
			}
		}
		snprintf(a[0], 24, "%.0f", last ? last->cpu_w : NAN);
		snprintf(a[1], 24, "%.0f", last && !isnan(last->cpu_r) ? last->cpu_r : NAN);
		printf(" %10s %10s %s\n", strcmp(a[0], "nan") ? a[0] : "-", strcmp(a[1], "nan") ? a[1] : "-",
		       r->verified > 0 ? "yes" : "NO");
	}
	print_ratios();
	any = 0;
	for (int i = 0; i < nrecs; i++) {
		const struct record *r = &recs[i];

		if (strcmp(r->metric, "rate"))
			continue;
		if (!any++)
			printf("\nFixed rate, 1-byte ping-pong; latency from the intended send time (us); CPU %% of each side\n"
			       "%-14s %-5s %8s %9s %8s %8s %8s %9s %7s %7s\n", "transport", "wait", "target/s",
			       "achieved", "p50", "p99", "p99.9", "max", "cpu%-w", "cpu%-r");
		if (r->rate_target > 0)
			snprintf(a[5], 24, "%.0f", r->rate_target);
		else
			snprintf(a[5], 24, "max");
		us(a[0], 24, r->p50);
		us(a[2], 24, r->p99);
		us(a[3], 24, r->p999);
		us(a[4], 24, r->max);
		printf("%-14s %-5s %8s %9.0f %8s %8s %8s %9s %7.1f %7.1f\n", r->transport, r->wait, a[5],
		       r->rate_achieved, a[0], a[2], a[3], a[4], r->pct_w, r->pct_r);
	}
	fflush(stdout);
}

/* ---- options ------------------------------------------------------------ */

static uint64_t parse_size(const char *s, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		die("%s: '%s' is not a size (examples: 4096, 64K, 1M, 256M)", what, s);
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1024 * 1024; end++; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end += (end[0] == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end)
		die("%s: '%s' is not a size (examples: 4096, 64K, 1M, 256M)", what, s);
	return (uint64_t)v;
}

static const struct transport *find_transport(const char *name, size_t len)
{
	for (int i = 0; i < NTRANSPORTS; i++)
		if (strlen(TRANSPORTS[i].name) == len && !strncmp(TRANSPORTS[i].name, name, len))
			return &TRANSPORTS[i];
	return NULL;
}

static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!list)
		return 1;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, name, n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: myipc-bench-c [options]\n"
		"  --transports a,b,c   which transports (default: all; --list shows them)\n"
		"  --metrics m,n        of rtt,throughput,rate (default: all three)\n"
		"  --sizes 64,4K,64K,1M chunk sizes for throughput (and the correctness pass)\n"
		"  --bytes 256M         timed bytes per throughput point\n"
		"  --verify-bytes 16M   bytes per chunk size in the (untimed) correctness pass\n"
		"  --rtt-count 100000   measured round trips (after --warmup, default count/10, <= 10000)\n"
		"  --rates 1000,10000,100000,max   message rates of the fixed-rate runs\n"
		"  --rate-seconds 1     length of each fixed-rate run\n"
		"  --placement cross-core|same-core   pin the two processes to two CPUs or one\n"
		"  --cpus A,B           the CPUs to use (default: the first two this process may use)\n"
		"  --dev /dev/myipc0[,/dev/myipc1]    driver devices (two for ping-pong); kmod-spsc/kmod-mutex switch\n"
		"                       their sync mode through /sys/class/myipc/myipcN/sync where the driver has it\n"
		"  --spin-before-sleep N   rings, sleep policy: polls before announcing a sleep (default 0)\n"
		"  --repeats 5          timed repeats per point, after one untimed warm-up (median, min, max reported)\n"
		"  --check-ceiling[=1]  fail the run if a throughput median is more than 1%% (or PCT) above the\n"
		"                       ceiling's at the same chunk size\n"
		"  --timeout 600        seconds one measurement may take before it is stopped (0: never)\n"
		"  --quick              small budgets: the whole run in well under a minute\n"
		"  --out file.json      write the result document there\n"
		"  --inject-corruption  flip one byte in every correctness pass and in a timed run (both must then fail)\n"
		"  --inject-stall       (test) the echoing side never answers: the watchdog must stop it\n"
		"  --self-test          tiny run of every transport, TAP-like output\n"
		"  --list               list the transports and what each measures\n");
}

static void parse_csv_sizes(const char *s)
{
	char *d = strdup(s), *save = NULL;

	O.nsizes = 0;
	for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (O.nsizes == MAX_SIZES)
			die("--sizes: at most %d sizes", MAX_SIZES);
		O.sizes[O.nsizes] = parse_size(t, "--sizes");
		if (O.sizes[O.nsizes] > (256u << 20))
			die("--sizes: %s is larger than 256M", t);
		/* the timed pattern is made of 8-byte words */
		if (O.sizes[O.nsizes] % 8)
			die("--sizes: %s is not a multiple of 8", t);
		O.nsizes++;
	}
	free(d);
	if (!O.nsizes)
		die("--sizes: empty list");
}

static void parse_rates(const char *s)
{
	char *d = strdup(s), *save = NULL;

	O.nrates = 0;
	for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		long v;

		if (O.nrates == MAX_RATES)
			die("--rates: at most %d rates", MAX_RATES);
		if (!strcmp(t, "max")) {
			v = 0;
		} else {
			v = strtol(t, &end, 10);
			if (*end == 'k' || *end == 'K') {
				v *= 1000;
				end++;
			}
			if (*end || v <= 0 || v > 10000000)
				die("--rates: '%s' is not a rate (messages per second, 1..10000000, or 'max')", t);
		}
		O.rates[O.nrates++] = v;
	}
	free(d);
}

static void default_cpus(void)
{
	cpu_set_t set;
	int n = 0;

	O.cpu_a = O.cpu_b = -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity: %s", strerror(errno));
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++) {
		if (CPU_ISSET(c, &set)) {
			if (n++ == 0)
				O.cpu_a = c;
			else
				O.cpu_b = c;
		}
	}
}

/* ---- the run ------------------------------------------------------------- */

static int failures;

static const char *rate_name(long rate, char *b, size_t n)
{
	if (rate)
		snprintf(b, n, "%ld/s", rate);
	else
		snprintf(b, n, "max");
	return b;
}

static void fail(const char *what, const char *msg)
{
	failures++;
	fprintf(stderr, "bench-c: FAILED %s: %s\n", what, msg);
}

/* the RTT wait policies of a transport: sleep and spin for all, hybrid for rings */
static int nwaits(const struct transport *t)
{
	return t->ring ? 3 : 2;
}

static const int WAITS[] = { WAIT_SLEEP, WAIT_SPIN, WAIT_HYBRID };

/* a reader that never looks at the bytes cannot echo them */
static int can_pingpong(const struct transport *t)
{
	return !t->null_reader;
}

static void run_transport(const struct transport *t)
{
	struct verdict v;
	char err[256], what[96], s[24];
	int verified;

	if (!transport_available(t, err, sizeof(err))) {
		progress("%s: skipped: %s", t->name, err);
		return;
	}
	progress("%s: correctness pass (%d sizes, every byte checked)", t->name, O.nsizes);
	run_correctness(t, O.inject_corruption, &v);
	verified = v.ok;
	if (!v.ok)
		fail("correctness", v.msg);
	if (!can_pingpong(t) && (in_list(O.metrics, "rtt") || in_list(O.metrics, "rate")))
		progress("%s: no rtt/rate runs: its reader discards the bytes unseen, so it cannot echo them (see vmsplice)",
			 t->name);
	if (in_list(O.metrics, "rtt") && can_pingpong(t)) {
		for (int w = 0; w < nwaits(t); w++) {
			const char *wn = wait_name(WAITS[w]);

			progress("%s: rtt %s, %d x %ld round trips", t->name, wn, O.repeats, O.rtt_count);
			if (run_rtt(t, WAITS[w], O.rtt_count, O.warmup, verified, err, sizeof(err))) {
				snprintf(what, sizeof(what), "%s rtt %s", t->name, wn);
				fail(what, err);
			}
		}
	}
	if (in_list(O.metrics, "throughput")) {
		for (int i = 0; i < O.nsizes; i++) {
			/* a scaled-down budget still moves at least 8 chunks */
			uint64_t b = O.bytes_default && O.bytes < 8 * O.sizes[i] ? 8 * O.sizes[i] : O.bytes;

			progress("%s: throughput, chunk %s, warm-up + %d x %llu bytes", t->name,
				 fmt_size(O.sizes[i], s, sizeof(s)), O.repeats, (unsigned long long)b);
			if (run_throughput(t, O.sizes[i], b, verified, err, sizeof(err))) {
				snprintf(what, sizeof(what), "%s throughput %s", t->name, s);
				fail(what, err);
			}
		}
	}
	if (in_list(O.metrics, "rate") && can_pingpong(t)) {
		for (int w = 0; w < 2; w++) {
			for (int i = 0; i < O.nrates; i++) {
				progress("%s: rate %s %s, %d x %.2f s", t->name, rate_name(O.rates[i], s, sizeof(s)),
					 wait_name(WAITS[w]), O.repeats, O.rate_seconds);
				if (run_rate(t, WAITS[w], O.rates[i], O.rate_seconds, verified, err, sizeof(err))) {
					snprintf(what, sizeof(what), "%s rate %ld %s", t->name, O.rates[i],
						 wait_name(WAITS[w]));
					fail(what, err);
				}
			}
		}
	}
}

static void run_all(void)
{
	char err[256], s[24], what[64];

	for (int i = 0; i < NTRANSPORTS; i++) {
		const struct transport *t = &TRANSPORTS[i];

		if (!in_list(O.transports, t->name))
			continue;
		if (t->limit == L_CEILING) {
			if (!in_list(O.metrics, "throughput"))
				continue;
			for (int k = 0; k < O.nsizes; k++) {
				uint64_t b = O.bytes_default && O.bytes < 8 * O.sizes[k] ? 8 * O.sizes[k] : O.bytes;

				progress("%s: chunk %s, warm-up + %d x %llu bytes", t->name,
					 fmt_size(O.sizes[k], s, sizeof(s)), O.repeats, (unsigned long long)b);
				if (run_throughput(t, O.sizes[k], b, 1, err, sizeof(err))) {
					snprintf(what, sizeof(what), "%s %s", t->name, s);
					fail(what, err);
				}
			}
		} else if (t->limit == L_FLOOR) {
			if (!in_list(O.metrics, "rtt"))
				continue;
			progress("%s: %d x %ld round trips", t->name, O.repeats, O.rtt_count);
			if (run_cacheline(O.rtt_count, O.warmup, err, sizeof(err)))
				fail(t->name, err);
		} else {
			run_transport(t);
		}
	}
}

/*
 * No transport can move data faster than two processes that only write
 * and read the bytes through shared memory: a throughput median above
 * the ceiling's at the same chunk size means the row skipped work. A
 * zero-copy ring does the ceiling's work and no more, so it may sit on
 * the ceiling: under icount shm-1m was 0.1% above it at 1 MiB chunks
 * (997.5 vs 996.4 MB/s); the tolerance (default 1%) allows for that.
 */
static void check_ceiling(void)
{
	char what[96], msg[256];
	int checked = 0;

	for (int i = 0; i < nrecs; i++) {
		const struct record *r = &recs[i], *c;

		if (strcmp(r->metric, "throughput") || !strcmp(r->work, WORK_INDICES) ||
		    !strcmp(r->transport, "ceiling"))
			continue;
		snprintf(what, sizeof(what), "ceiling check, %s chunk %ld", r->transport, r->chunk_bytes);
		c = find_tp("ceiling", r->chunk_bytes);
		if (!c) {
			fail(what, "no ceiling measured at this chunk size in this run (add ceiling to --transports)");
			continue;
		}
		checked++;
		if (r->mb_per_s > c->mb_per_s * (1 + O.ceiling_tol / 100)) {
			snprintf(msg, sizeof(msg), "%s median %.1f MB/s is above the ceiling's %.1f MB/s (+%g%% allowed)",
				 r->transport, r->mb_per_s, c->mb_per_s, O.ceiling_tol);
			fail(what, msg);
		}
	}
	progress("ceiling check: %d throughput row%s compared with the ceiling (+%g%% allowed)", checked,
		 checked == 1 ? "" : "s", O.ceiling_tol);
}

/* ---- self-test ------------------------------------------------------------- */

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
	return nrecs > before ? &recs[nrecs - 1] : NULL;
}

/* n round trips per repeat */
static int sane_rtt(const struct record *r, long n)
{
	return r && r->count == n * O.repeats && r->repeats == O.repeats && r->vmin <= r->p50 &&
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

static int self_test(void)
{
	char err[256];
	struct verdict v;
	int before;

	O.nsizes = 4;
	O.sizes[0] = 64;
	O.sizes[1] = 4096;
	O.sizes[2] = 65536;
	O.sizes[3] = 1 << 20;
	O.verify_bytes = 256 << 10;
	fold_self_test();
	for (int i = 0; i < NTRANSPORTS; i++) {
		const struct transport *t = &TRANSPORTS[i];

		if (!in_list(O.transports, t->name))
			continue;
		if (t->limit == L_CEILING) {
			for (size_t chunk = 4096; chunk <= (1u << 20); chunk <<= 8) {
				before = nrecs;
				int rc = run_throughput(t, chunk, 4u << 20, 1, err, sizeof(err));
				const struct record *r = last_rec(before);

				tap(!rc && r && r->mb_per_s > 0 && r->repeats == O.repeats && r->capacity >= (1 << 20) &&
				    r->capacity >= 2 * (long)chunk && !strcmp(r->work, WORK_FULL),
				    "%s, chunk %zu: every byte written and read, checksum held%s%s", t->name, chunk,
				    rc ? ": " : "", rc ? err : "");
			}
			O.inject_corruption = 1;
			int rc = run_throughput(t, 4096, 1u << 20, 1, err, sizeof(err));

			O.inject_corruption = 0;
			tap(rc && strstr(err, "CHECKSUM MISMATCH"), "%s: a byte flipped in a timed run fails the checksum (%s)",
			    t->name, rc ? err : "NOT DETECTED");
			continue;
		}
		if (t->limit == L_FLOOR) {
			before = nrecs;
			int rc = run_cacheline(200, 20, err, sizeof(err));

			tap(!rc && sane_rtt(last_rec(before), 200), "cacheline ping-pong%s%s",
			    rc ? ": " : "", rc ? err : "");
			continue;
		}
		if (!transport_available(t, err, sizeof(err))) {
			printf("ok %d - %s # SKIP %s\n", ++tap_n, t->name, err);
			continue;
		}
		run_correctness(t, 0, &v);
		tap(v.ok, "%s correctness pass%s%s", t->name, v.ok ? "" : ": ", v.msg);
		run_correctness(t, 1, &v);
		tap(!v.ok && strstr(v.msg, "CORRUPTED"), "%s correctness pass detects a flipped byte (%s)",
		    t->name, v.ok ? "NOT DETECTED" : v.msg);
		for (int w = 0; w < nwaits(t) && can_pingpong(t); w++) {
			before = nrecs;
			int rc = run_rtt(t, WAITS[w], 200, 20, 1, err, sizeof(err));
			const struct record *r = last_rec(before);

			tap(!rc && sane_rtt(r, 200) && !strcmp(r->wait, wait_name(WAITS[w])), "%s rtt %s%s%s", t->name,
			    wait_name(WAITS[w]), rc ? ": " : "", rc ? err : "");
		}
		before = nrecs;
		int rc = run_throughput(t, 4096, 1 << 20, 1, err, sizeof(err));
		const struct record *r = last_rec(before);

		tap(!rc && r && r->mb_per_s > 0 && r->bytes == (1 << 20) && r->count == 256 && r->cpu_w > 0 &&
		    r->repeats == O.repeats && r->vmin <= r->mb_per_s && r->mb_per_s <= r->vmax &&
		    !strcmp(r->wait, t->ring ? "hybrid" : "sleep") &&
		    !strcmp(r->work, t->null_reader ? WORK_INDICES : WORK_FULL),
		    "%s throughput (%s)%s%s", t->name, t->null_reader ? WORK_INDICES : "checksum held",
		    rc ? ": " : "", rc ? err : "");
		if (!t->null_reader) {
			O.inject_corruption = 1;
			rc = run_throughput(t, 4096, 1 << 20, 1, err, sizeof(err));
			O.inject_corruption = 0;
			tap(rc && strstr(err, "CHECKSUM MISMATCH") && strstr(err, t->name),
			    "%s: a byte flipped in a timed run fails the checksum (%s)", t->name, rc ? err : "NOT DETECTED");
		}
		if (!can_pingpong(t))
			continue;
		before = nrecs;
		rc = run_rate(t, 0, 1000, 0.02, 1, err, sizeof(err));
		r = last_rec(before);
		/* 20 messages at 1 ms intervals: the run lasts at least 19 ms */
		tap(!rc && sane_rtt(r, 20) && r->rate_achieved > 0 && r->rate_achieved < 1100,
		    "%s fixed rate 1000/s%s%s", t->name, rc ? ": " : "", rc ? err : "");
	}
	printf("bench-c: %d passed, %d failed\n", tap_pass, tap_fail);
	return tap_fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum { OPT_TRANSPORTS = 256, OPT_METRICS, OPT_SIZES, OPT_BYTES, OPT_VBYTES, OPT_RTT, OPT_WARM,
	       OPT_RATES, OPT_RSEC, OPT_PLACE, OPT_CPUS, OPT_DEV, OPT_SPIN, OPT_TIMEOUT, OPT_QUICK, OPT_OUT, OPT_INJECT, OPT_STALL,
	       OPT_SELF, OPT_LIST, OPT_HELP, OPT_REPEATS, OPT_CHECK_CEIL };
	static const struct option lo[] = {
		{ "transports", 1, 0, OPT_TRANSPORTS }, { "metrics", 1, 0, OPT_METRICS },
		{ "sizes", 1, 0, OPT_SIZES }, { "bytes", 1, 0, OPT_BYTES },
		{ "verify-bytes", 1, 0, OPT_VBYTES }, { "rtt-count", 1, 0, OPT_RTT },
		{ "warmup", 1, 0, OPT_WARM }, { "rates", 1, 0, OPT_RATES },
		{ "rate-seconds", 1, 0, OPT_RSEC }, { "placement", 1, 0, OPT_PLACE },
		{ "cpus", 1, 0, OPT_CPUS }, { "dev", 1, 0, OPT_DEV },
		{ "spin-before-sleep", 1, 0, OPT_SPIN }, { "timeout", 1, 0, OPT_TIMEOUT }, { "quick", 0, 0, OPT_QUICK },
		{ "out", 1, 0, OPT_OUT }, { "inject-corruption", 0, 0, OPT_INJECT },
		{ "inject-stall", 0, 0, OPT_STALL }, { "repeats", 1, 0, OPT_REPEATS },
		{ "check-ceiling", 2, 0, OPT_CHECK_CEIL },
		{ "self-test", 0, 0, OPT_SELF }, { "list", 0, 0, OPT_LIST }, { "help", 0, 0, OPT_HELP },
		{ 0, 0, 0, 0 }
	};
	const char *sizes = NULL, *rates = NULL, *bytes = NULL, *vbytes = NULL, *cpus = NULL;
	long rtt = -1, warm = -1;
	double rsec = -1;
	int self = 0, c, timeout_set = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case OPT_TRANSPORTS: O.transports = optarg; break;
		case OPT_METRICS: O.metrics = optarg; break;
		case OPT_SIZES: sizes = optarg; break;
		case OPT_BYTES: bytes = optarg; break;
		case OPT_VBYTES: vbytes = optarg; break;
		case OPT_RTT: rtt = strtol(optarg, NULL, 10); if (rtt <= 0) die("--rtt-count: a positive number, not '%s'", optarg); break;
		case OPT_WARM: warm = strtol(optarg, NULL, 10); if (warm < 0) die("--warmup: a number >= 0, not '%s'", optarg); break;
		case OPT_RATES: rates = optarg; break;
		case OPT_RSEC: rsec = strtod(optarg, NULL); if (rsec <= 0) die("--rate-seconds: a positive number, not '%s'", optarg); break;
		case OPT_PLACE:
			if (!strcmp(optarg, "same-core"))
				O.same_core = 1;
			else if (!strcmp(optarg, "cross-core"))
				O.same_core = 0;
			else
				die("--placement: same-core or cross-core, not '%s'", optarg);
			break;
		case OPT_CPUS: cpus = optarg; break;
		case OPT_DEV: {
			char *d = strdup(optarg), *save = NULL;

			for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				if (O.ndevs == MAX_DEVS)
					die("--dev: at most two devices (one per direction)");
				O.devs[O.ndevs++] = t;
			}
			break;
		}
		case OPT_SPIN: O.spin_before_sleep = strtol(optarg, NULL, 10); break;
		case OPT_TIMEOUT: O.timeout = strtol(optarg, NULL, 10); if (O.timeout < 0) die("--timeout: seconds >= 0, not '%s'", optarg); timeout_set = 1; break;
		case OPT_QUICK: O.quick = 1; break;
		case OPT_OUT: O.out = optarg; break;
		case OPT_INJECT: O.inject_corruption = 1; break;
		case OPT_STALL: O.inject_stall = 1; break;
		case OPT_REPEATS:
			O.repeats = (int)strtol(optarg, NULL, 10);
			if (O.repeats < 1 || O.repeats > MAX_REPEATS)
				die("--repeats: 1..%d, not '%s'", MAX_REPEATS, optarg);
			break;
		case OPT_CHECK_CEIL: {
			char *end = NULL;

			O.check_ceiling = 1;
			O.ceiling_tol = optarg ? strtod(optarg, &end) : 1.0;
			if (optarg && (end == optarg || *end || O.ceiling_tol < 0))
				die("--check-ceiling=PCT: a tolerance in percent >= 0, not '%s'", optarg);
			break;
		}
		case OPT_SELF: self = 1; break;
		case OPT_LIST:
			for (int i = 0; i < NTRANSPORTS; i++)
				printf("%-14s %s\n", TRANSPORTS[i].name, TRANSPORTS[i].what);
			return 0;
		case OPT_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "myipc-bench-c: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (O.transports) {
		for (const char *p = O.transports; *p;) {
			size_t len = strcspn(p, ",");

			if (len && !find_transport(p, len))
				die("--transports: no transport '%.*s' (try --list)", (int)len, p);
			p += len + (p[len] == ',');
		}
	}
	if (O.metrics) {
		for (const char *p = O.metrics; *p;) {
			size_t len = strcspn(p, ",");

			if (!((len == 3 && !strncmp(p, "rtt", 3)) || (len == 10 && !strncmp(p, "throughput", 10)) ||
			      (len == 4 && !strncmp(p, "rate", 4))))
				die("--metrics: '%.*s' is not one of rtt, throughput, rate", (int)len, p);
			p += len + (p[len] == ',');
		}
	}

	/* defaults, then --quick, then explicit options */
	parse_csv_sizes(sizes ? sizes : "64,4K,64K,1M");
	parse_rates(rates ? rates : "1000,10000,100000,max");
	O.bytes = bytes ? parse_size(bytes, "--bytes") : O.quick ? 8u << 20 : 256u << 20;
	O.bytes_default = !bytes;
	O.verify_bytes = vbytes ? parse_size(vbytes, "--verify-bytes") : O.quick ? 2u << 20 : 16u << 20;
	O.rtt_count = rtt > 0 ? rtt : O.quick ? 10000 : 100000;
	O.warmup = warm >= 0 ? warm : (O.rtt_count / 10 < 10000 ? O.rtt_count / 10 : 10000);
	O.rate_seconds = rsec > 0 ? rsec : O.quick ? 0.15 : 1.0;
	if (!timeout_set)
		O.timeout = 600;
	if (!O.repeats)
		O.repeats = 5;
	env_init();
	if (env_emulated() && !self) {
		/* software emulation runs 10-100x slower: scale what was not given */
		O.scaled = 1;
		if (!bytes)
			O.bytes /= 8;
		if (!vbytes)
			O.verify_bytes /= 4;
		if (rtt <= 0)
			O.rtt_count /= 10;
		if (warm < 0)
			O.warmup = O.rtt_count / 10;
	}

	default_cpus();
	if (cpus) {
		if (sscanf(cpus, "%d,%d", &O.cpu_a, &O.cpu_b) != 2 || O.cpu_a < 0 || O.cpu_b < 0)
			die("--cpus: two CPU numbers, e.g. --cpus 0,1");
	}
	if (O.cpu_a < 0)
		die("no CPU available to pin to");
	if (!O.same_core && O.cpu_b < 0)
		die("--placement cross-core needs two CPUs, this process may use only cpu %d: use --placement same-core",
		    O.cpu_a);
	if (!O.same_core && O.cpu_a == O.cpu_b)
		die("--cpus: cross-core needs two different CPUs");

	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_TIMERSLACK, 1UL);	/* paced sends wake on time, not 50 us late */

	if (self)
		return self_test();

	if (env_emulated())
		progress("running under emulation (QEMU TCG): only ratios within one run mean anything%s",
			 O.scaled ? "; budgets not given as options are scaled down (bytes /8, verify bytes /4, round trips /10)" : "");
	progress("placement %s, cpus %d,%d; %llu bytes per throughput point, %ld round trips%s", placement(),
		 O.cpu_a, O.same_core ? O.cpu_a : O.cpu_b, (unsigned long long)O.bytes, O.rtt_count,
		 O.quick ? " (--quick)" : "");
	uint64_t t0 = now_ns();

	if (env_vm_mode())
		progress("vm mode %s%s", env_vm_mode(), strcmp(env_vm_mode(), "icount") ? "" :
			 ": guest instructions as time, vCPUs serialised - spin RTT and sync-mode (spsc vs mutex) "
			 "contention are not meaningful in this mode");
	run_all();
	print_tables();
	if (O.check_ceiling)
		check_ceiling();
	if (O.out) {
		FILE *f = fopen(O.out, "w");

		if (!f)
			die("--out %s: %s", O.out, strerror(errno));
		write_json(f);
		if (fclose(f))
			die("--out %s: %s", O.out, strerror(errno));
		progress("results written to %s", O.out);
	} else {
		progress("no --out given: the JSON document was not written");
	}
	progress("done in %.1f s, %d failure%s", (double)(now_ns() - t0) / 1e9, failures, failures == 1 ? "" : "s");
	if (failures && O.inject_corruption)
		fprintf(stderr, "bench-c: (--inject-corruption was given: the correctness and checksum failures above are expected)\n");
	return failures ? 1 : 0;
}
