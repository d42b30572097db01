// SPDX-License-Identifier: GPL-2.0
/*
 * myipc-bench-c: the records of a run, the console tables and the JSON
 * document (../RESULTS.md).
 */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

int rec_count(void)
{
	return nrecs;
}

const struct record *rec_at(int i)
{
	return &recs[i];
}

/* ---- JSON ------------------------------------------------------------ */

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

const char *placement(void)
{
	return opt->same_core ? "same-core" : "cross-core";
}

void write_json(FILE *f)
{
	fputs("{\n  \"format\": \"myipc-bench/1\",\n", f);
	env_json(f);
	fprintf(f, "    \"placement\": \"%s\",\n    \"cpus\": [%d, %d]\n  },\n", placement(),
		opt->cpu_a, opt->same_core ? opt->cpu_a : opt->cpu_b);
	fputs("  \"config\": {\n", f);
	fprintf(f, "    \"quick\": %s,\n    \"bytes_per_point\": %llu,\n    \"verify_bytes_per_size\": %llu,\n",
		opt->quick ? "true" : "false", (unsigned long long)opt->bytes, (unsigned long long)opt->verify_bytes);
	fprintf(f, "    \"rtt_count\": %ld,\n    \"warmup\": %ld,\n    \"rate_seconds\": %g,\n",
		opt->rtt_count, opt->warmup, opt->rate_seconds);
	fprintf(f, "    \"scaled_for_emulation\": %s,\n    \"timeout_s\": %ld,\n", opt->scaled ? "true" : "false", opt->timeout);
	fprintf(f, "    \"spin_before_sleep\": %ld,\n    \"inject_corruption\": %s,\n", opt->spin_before_sleep,
		opt->inject_corruption ? "true" : "false");
	fprintf(f, "    \"repeats\": %d,\n    \"warmup_pass\": true,\n    \"hybrid_spins\": %d,\n    \"hybrid_yields\": %d,\n",
		opt->repeats, HYBRID_SPINS, HYBRID_YIELDS);
	fprintf(f, "    \"check_ceiling\": %s,\n", opt->check_ceiling ? "true" : "false");
	if (opt->check_ceiling)
		fprintf(f, "    \"ceiling_tolerance_pct\": %g,\n", opt->ceiling_tol);
	fputs("    \"sizes\": [", f);
	for (int i = 0; i < opt->nsizes; i++)
		fprintf(f, "%s%zu", i ? ", " : "", opt->sizes[i]);
	fputs("],\n    \"rates\": [", f);
	for (int i = 0; i < opt->nrates; i++)
		fprintf(f, "%s%ld", i ? ", " : "", opt->rates[i]);
	fputs("],\n    \"devices\": [", f);
	for (int i = 0; i < opt->ndevs; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, opt->devs[i]);
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
const struct record *find_tp(const char *transport, long chunk)
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
			for (int s = 0; s < opt->nsizes; s++)
				printf(" %13s", fmt_size(opt->sizes[s], b, sizeof(b)));
			putchar('\n');
		}
		snprintf(b, sizeof(b), "%.18s%s", r->transport, strcmp(r->work, WORK_INDICES) ? "" : " idx");
		printf("%-18s", b);
		for (int s = 0; s < opt->nsizes; s++) {
			const struct record *x = find_tp(r->transport, (long)opt->sizes[s]);
			const struct record *c = find_tp("ceiling", (long)opt->sizes[s]);
			const struct record *p = find_tp("pipe", (long)opt->sizes[s]);
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

void print_tables(void)
{
	char a[7][24];
	int any;

	printf("\nmyipc-bench-c, placement %s (cpus %d,%d)%s\n", placement(), opt->cpu_a,
	       opt->same_core ? opt->cpu_a : opt->cpu_b,
	       env_emulated() ? "; UNDER EMULATION: only ratios within one run mean anything" : "");
	any = 0;
	for (int i = 0; i < nrecs; i++) {
		const struct record *r = &recs[i];

		if (strcmp(r->metric, "rtt"))
			continue;
		if (!any++)
			printf("\nRTT of 1-byte messages, microseconds; p50 = median of %d repeats (spread %% = max-min of their p50s,"
			       " * = over 10%%), the rest exact over all samples; CPU ns per round trip\n"
			       "%-14s %-6s %8s %7s %8s %8s %8s %9s %9s %9s %s\n", opt->repeats, "transport", "wait", "p50",
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
			       "adds up every byte it gets (checked)%s.\n%-14s", opt->repeats,
			       " - except rows marked 'idx': indices only, no payload touched", "transport");
			printf("%4s", "");
			for (int s = 0; s < opt->nsizes; s++)
				printf(" %10s", fmt_size(opt->sizes[s], a[0], 24));
			printf(" %10s %10s %s\n", "cpu-w", "cpu-r", "verified");
		}
		snprintf(a[6], 24, "%.18s%s", r->transport, strcmp(r->work, WORK_INDICES) ? "" : " idx");
		printf("%-18s", a[6]);
		const struct record *last = NULL;

		for (int s = 0; s < opt->nsizes; s++) {
			const struct record *hit = NULL;

			for (int j = i; j < nrecs; j++)
				if (!strcmp(recs[j].metric, "throughput") &&
				    !strcmp(recs[j].transport, r->transport) &&
				    recs[j].chunk_bytes == (long)opt->sizes[s])
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

