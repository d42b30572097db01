// SPDX-License-Identifier: GPL-2.0
/*
 * myipc-bench-c: the run plan. Which measurements each table line gets,
 * and the failures counted on the way.
 */
#include "bench.h"

#include <string.h>

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

/*
 * Under QEMU instruction counting the vCPUs run one at a time, so a side
 * that spins only burns the guest instructions that its peer is waiting
 * to run: a spinning figure measures the emulator's time slice, not the
 * transport. Those rows are not measured at all in that mode (they are
 * the slowest part of an emulated run, too).
 */
static int skipped_under_icount(int wait)
{
	return wait == WAIT_SPIN && env_vm_mode() && !strcmp(env_vm_mode(), "icount");
}

static void run_transport(const struct transport *t)
{
	unsigned int m = transport_metrics(t);
	struct verdict v;
	char err[256], what[96], s[24];
	int verified = 1;	/* without a correctness pass (the limits) every run checks what it moves */

	if (!transport_available(t, err, sizeof(err))) {
		progress("%s: skipped: %s", t->name, err);
		return;
	}
	if (m & M_CORRECTNESS) {
		progress("%s: correctness pass (%d sizes, every byte checked)", t->name, opt->nsizes);
		run_correctness(t, opt->inject_corruption, &v);
		verified = v.ok;
		if (!v.ok)
			fail("correctness", v.msg);
	}
	if (!transport_reads(t) && (in_list(opt->metrics, "rtt") || in_list(opt->metrics, "rate")))
		progress("%s: no rtt/rate runs: its reader discards the bytes unseen, so it cannot echo them (see vmsplice)",
			 t->name);
	if (in_list(opt->metrics, "rtt") && (m & M_RTT)) {
		for (int w = 0; w < NWAITS; w++) {
			if (!transport_has_wait(t, w) || skipped_under_icount(w))
				continue;
			progress("%s: rtt %s, %d x %ld round trips", t->name, wait_name(w), opt->repeats,
				 opt->rtt_count);
			if (run_rtt(t, w, opt->rtt_count, opt->warmup, verified, err, sizeof(err))) {
				snprintf(what, sizeof(what), "%s rtt %s", t->name, wait_name(w));
				fail(what, err);
			}
		}
	}
	if (in_list(opt->metrics, "throughput") && (m & M_THROUGHPUT)) {
		for (int i = 0; i < opt->nsizes; i++) {
			/* a scaled-down budget still moves at least 8 chunks */
			uint64_t b = opt->bytes_default && opt->bytes < 8 * opt->sizes[i] ? 8 * opt->sizes[i] : opt->bytes;

			progress("%s: throughput, chunk %s, warm-up + %d x %llu bytes", t->name,
				 fmt_size(opt->sizes[i], s, sizeof(s)), opt->repeats, (unsigned long long)b);
			if (run_throughput(t, opt->sizes[i], b, verified, opt->inject_corruption, err, sizeof(err))) {
				snprintf(what, sizeof(what), "%s throughput %s", t->name, s);
				fail(what, err);
			}
		}
	}
	if (in_list(opt->metrics, "rate") && (m & M_RATE)) {
		for (int w = WAIT_SLEEP; w <= WAIT_SPIN; w++) {
			for (int i = 0; i < opt->nrates && transport_has_wait(t, w) && !skipped_under_icount(w); i++) {
				progress("%s: rate %s %s, %d x %.2f s", t->name, rate_name(opt->rates[i], s, sizeof(s)),
					 wait_name(w), opt->repeats, opt->rate_seconds);
				if (run_rate(t, w, opt->rates[i], opt->rate_seconds, verified, err, sizeof(err))) {
					snprintf(what, sizeof(what), "%s rate %ld %s", t->name, opt->rates[i],
						 wait_name(w));
					fail(what, err);
				}
			}
		}
	}
}

void run_all(void)
{
	for (int i = 0; i < NTRANSPORTS; i++)
		if (in_list(opt->transports, TRANSPORTS[i].name))
			run_transport(&TRANSPORTS[i]);
}

/*
 * No transport can move data faster than two processes that only write
 * and read the bytes through shared memory: a throughput median above
 * the ceiling's at the same chunk size means the row skipped work. A
 * zero-copy ring does the ceiling's work and no more, so it may sit on
 * the ceiling: under icount shm-1m was 0.1% above it at 1 MiB chunks
 * (997.5 vs 996.4 MB/s); the tolerance (default 1%) allows for that.
 */
void check_ceiling(void)
{
	char what[96], msg[256];
	int checked = 0;

	for (int i = 0; i < rec_count(); i++) {
		const struct record *r = rec_at(i), *c;

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
		if (r->mb_per_s > c->mb_per_s * (1 + opt->ceiling_tol / 100)) {
			snprintf(msg, sizeof(msg), "%s median %.1f MB/s is above the ceiling's %.1f MB/s (+%g%% allowed)",
				 r->transport, r->mb_per_s, c->mb_per_s, opt->ceiling_tol);
			fail(what, msg);
		}
	}
	progress("ceiling check: %d throughput row%s compared with the ceiling (+%g%% allowed)", checked,
		 checked == 1 ? "" : "s", opt->ceiling_tol);
}

int run_failures(void)
{
	return failures;
}
