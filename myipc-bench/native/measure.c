// SPDX-License-Identifier: GPL-2.0
/*
 * The measurements. Each one forks: the parent is the writer (throughput)
 * or the pinger (RTT, rate), the child the reader or the ponger. They meet
 * at a start line (the child reports "ready" through a control pipe) and
 * the child hands its figures back in a small MAP_SHARED area.
 */
#include "bench.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PASSES	(MAX_REPEATS + 1)	/* a warm-up pass, then the timed repeats */

struct shared {
	uint64_t cpu;		/* child: CPU ns over the measured part */
	uint64_t wall;		/* child: wall ns over the measured part */
	uint64_t p_end[MAX_PASSES];	/* reader: CLOCK_MONOTONIC at the last byte of each pass */
	uint64_t p_cpu[MAX_PASSES];	/* reader: CPU ns of each pass */
	int failed;
	char msg[256];
};

struct ctx {
	const struct transport *t;
	struct chan *a, *b;	/* a: parent -> child, b: child -> parent */
	struct shared *sh;
	int ctl[2];
	int done[2];		/* reader -> writer: one byte per finished pass */
	int wait;		/* WAIT_* */
	/* throughput */
	size_t chunk, piece;	/* piece: what the writer claims at a time (<= chunk) */
	uint64_t bytes;		/* per pass */
	int passes;		/* 1 + repeats (the first is the warm-up), 1 for the correctness pass */
	int verify;		/* correctness pass: byte pattern, every byte checked */
	int work;		/* timed runs: word pattern written, every byte folded */
	int inject_pass;	/* -1, or the pass in which one byte is flipped */
	uint64_t p_t0[MAX_PASSES], p_cpu[MAX_PASSES];	/* writer: start and CPU ns of each pass */
	/* rtt / rate */
	long count, warm, rate;
	int reps;
	long seg[MAX_PASSES];	/* samples of repeat i: seg[i] .. seg[i + 1] - 1 */
	double seconds;
	uint64_t *samples;
	long nsamples;
	/* parent results */
	uint64_t cpu, wall, t0;
	long cap;		/* channel capacity, kept past chan_close */
	char err[256];
	struct shared res;	/* the child's figures, copied out */
};

static void child_fail(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void child_fail(struct ctx *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->sh->msg, sizeof(x->sh->msg), fmt, ap);
	va_end(ap);
	x->sh->failed = 1;
}

/*
 * The watchdog: a measurement that makes no progress for --timeout seconds
 * (a transport that lost a wake-up, say) kills the child; the parent's
 * blocked call then fails (EINTR, end of file or EPIPE) and the run goes on.
 */
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (peer() > 0)
		kill(peer(), SIGKILL);
}

static void ready(struct ctx *x)
{
	char c = 'r';

	if (write(x->ctl[1], &c, 1) != 1)
		_exit(3);
	close(x->ctl[1]);
}

static int wait_ready(struct ctx *x)
{
	char c;

	if (read(x->ctl[0], &c, 1) != 1) {
		snprintf(x->err, sizeof(x->err), "peer did not start");
		return -1;
	}
	return 0;
}

static void *page_buf(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu bytes: %s", n, strerror(errno));
	memset(p, 0x55, n);
	return p;
}

/*
 * fork, pin both sides, run child() in the child and parent() here, collect
 * the child's verdict. Returns 0 or -1 with err set.
 */
static int fork_run(struct ctx *x, int (*child)(struct ctx *), int (*parent)(struct ctx *),
		    char *err, size_t elen)
{
	int st = 0, rc;
	pid_t pid;

	x->sh = mmap(NULL, sizeof(*x->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (x->sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memset(x->sh, 0, sizeof(*x->sh));
	if (pipe(x->ctl) || pipe(x->done))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		peer_set(getppid());
		close(x->ctl[0]);
		close(x->done[0]);
		if (pin_to(opt->same_core ? opt->cpu_a : opt->cpu_b))
			child_fail(x, "sched_setaffinity(cpu %d): %s", opt->same_core ? opt->cpu_a : opt->cpu_b,
				   strerror(errno));
		else
			child(x);
		_exit(x->sh->failed ? 1 : 0);
	}
	peer_set(pid);
	close(x->ctl[1]);
	close(x->done[1]);
	x->err[0] = 0;
	if (opt->timeout > 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;	/* no SA_RESTART: blocked calls return EINTR */
		sigaction(SIGALRM, &sa, NULL);
		timed_out = 0;
		alarm((unsigned int)opt->timeout);
	}
	if (pin_to(opt->cpu_a)) {
		snprintf(x->err, sizeof(x->err), "sched_setaffinity(cpu %d): %s", opt->cpu_a, strerror(errno));
		rc = -1;
	} else {
		rc = parent(x);
	}
	alarm(0);
	if (rc)
		kill(pid, SIGKILL);
	if (!peer_reaped_status(&st))
		waitpid(pid, &st, 0);
	peer_set(0);
	close(x->done[0]);
	if (timed_out) {
		snprintf(err, elen, "no result after %ld s: stopped by the watchdog (--timeout); last error: %.150s",
			 opt->timeout, x->sh->failed ? x->sh->msg : x->err);
		x->res = *x->sh;
		munmap(x->sh, sizeof(*x->sh));
		x->sh = NULL;
		return -1;
	}
	close(x->ctl[0]);
	if (x->sh->failed) {
		snprintf(err, elen, "%s", x->sh->msg);
		rc = -1;
	} else if (rc) {
		snprintf(err, elen, "%s", x->err);
	} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(err, elen, "peer process ended badly (status 0x%x)", st);
		rc = -1;
	}
	x->res = *x->sh;
	munmap(x->sh, sizeof(*x->sh));
	x->sh = NULL;
	return rc;
}

static int make_chans(struct ctx *x, int two, size_t maxmsg, char *err, size_t elen)
{
	x->a = chan_create(x->t, maxmsg, opt->devs[0], err, elen);
	if (!x->a)
		return -1;
	if (!two)
		return 0;
	x->b = chan_create(x->t, maxmsg, opt->ndevs > 1 ? opt->devs[1] : NULL, err, elen);
	if (!x->b) {
		chan_close(x->a);
		return -1;
	}
	return 0;
}

const char *wait_name(int wait)
{
	return wait == WAIT_SPIN ? "spin" : wait == WAIT_HYBRID ? "hybrid" : "sleep";
}

static int icount(void)
{
	return env_vm_mode() && !strcmp(env_vm_mode(), "icount");
}

static void note_add(struct record *r, const char *s)
{
	note_cat(r->note, sizeof(r->note), s);
}

/* what qualifies every record of a transport (its family's note, the wait policy, pieces) */
static void transport_notes(struct record *r, const struct transport *t, int wait, size_t chunk, size_t piece)
{
	char b[sizeof(r->note)];

	note_add(r, transport_note(t, wait, b, sizeof(b)));
	if (wait == WAIT_HYBRID) {
		snprintf(b, sizeof(b), "hybrid wait: %d polls, %d sched_yield(), then sleep", HYBRID_SPINS, HYBRID_YIELDS);
		note_add(r, b);
	}
	if (piece && piece < chunk) {
		snprintf(b, sizeof(b), "each %zu-byte chunk is claimed in ring-sized (%zu-byte) pieces", chunk, piece);
		note_add(r, b);
	}
	/* the instruction-counting VM serialises the vCPUs: no real spinning */
	if (icount() && wait == WAIT_SPIN)
		note_add(r, "not meaningful under icount: spinning RTT (the vCPUs run one at a time)");
}

/* ---- throughput and the correctness pass ----------------------------- */

static int tp_child(struct ctx *x)
{
	const char *name = x->t->name;
	uint8_t *buf;
	char e[200];

	if (chan_end(x->a, END_R, x->wait, e, sizeof(e))) {
		child_fail(x, "%s", e);
		return -1;
	}
	buf = page_buf(x->chunk);
	ready(x);
	for (int pass = 0; pass < x->passes; pass++) {
		struct fold f = { 0, 0, 0 };
		uint64_t got = 0, c0 = cpu_ns();
		char c = 'd';

		while (got < x->bytes) {
			uint64_t left = x->bytes - got;
			const uint8_t *view = NULL;
			ssize_t k = chan_view(x->a, buf, left < x->chunk ? left : x->chunk, &view);

			if (k <= 0) {
				child_fail(x, "reader: %s after %llu of %llu bytes",
					   k ? strerror((int)-k) : "end of file", (unsigned long long)got,
					   (unsigned long long)x->bytes);
				return -1;
			}
			if (x->verify) {
				for (ssize_t i = 0; i < k; i++) {
					if (view[i] != pattern_byte(got + (uint64_t)i)) {
						child_fail(x, "CORRUPTED byte at offset %llu: expected 0x%02x, got 0x%02x",
							   (unsigned long long)(got + (uint64_t)i),
							   pattern_byte(got + (uint64_t)i), view[i]);
						return -1;
					}
				}
			} else if (x->work) {
				fold_bytes(&f, view, (size_t)k);
			}
			int r = chan_release(x->a, (size_t)k);

			if (r) {
				child_fail(x, "reader: release: %s", strerror(-r));
				return -1;
			}
			got += (uint64_t)k;
		}
		x->sh->p_end[pass] = now_ns();
		x->sh->p_cpu[pass] = cpu_ns() - c0;
		if (x->work && fold_end(&f) != words_sum(x->bytes / 8)) {
			child_fail(x, "%s: CHECKSUM MISMATCH in %s pass %d: the reader's sum of every word is %llu, "
				   "the writer's words sum to %llu (n(n-1)/2, n = %llu)", name,
				   pass ? "timed" : "warm-up", pass, (unsigned long long)fold_end(&f),
				   (unsigned long long)words_sum(x->bytes / 8), (unsigned long long)(x->bytes / 8));
			return -1;
		}
		if (write(x->done[1], &c, 1) != 1) {
			child_fail(x, "reader: pass done: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int tp_parent(struct ctx *x)
{
	uint64_t bad = x->bytes / 2 + 17;	/* the byte --inject-corruption flips */

	if (chan_end(x->a, END_W, x->wait, x->err, sizeof(x->err)))
		return -1;
	/* a mapped ring is claimed at most its capacity at a time (known once this end has mapped it) */
	if (chan_max_claim(x->a) < x->piece)
		x->piece = chan_max_claim(x->a);
	if (wait_ready(x))
		return -1;
	for (int pass = 0; pass < x->passes; pass++) {
		char c;

		/* each pass starts when the reader has the last byte of the previous one */
		if (pass && read(x->done[0], &c, 1) != 1) {
			snprintf(x->err, sizeof(x->err), "reader did not finish pass %d", pass - 1);
			return -1;
		}
		x->p_t0[pass] = now_ns();
		uint64_t c0 = cpu_ns();

		for (uint64_t off = 0; off < x->bytes; off += x->piece) {
			size_t n = x->bytes - off < x->piece ? (size_t)(x->bytes - off) : x->piece;
			uint8_t *p = chan_wbuf(x->a, n);
			int e;

			if (!p) {
				snprintf(x->err, sizeof(x->err), "writer: claim: %s after %llu bytes", strerror(errno),
					 (unsigned long long)off);
				return -1;
			}
			if (x->verify)
				pattern_fill(p, off, n);
			else if (x->work)
				words_fill(p, off, n);
			if (pass == x->inject_pass && bad >= off && bad < off + n)
				p[bad - off] ^= 0x5a;
			e = chan_send(x->a, p, n);
			if (e) {
				snprintf(x->err, sizeof(x->err), "writer: %s after %llu bytes", strerror(-e),
					 (unsigned long long)off);
				return -1;
			}
		}
		x->p_cpu[pass] = cpu_ns() - c0;
	}
	return 0;
}

/* one fork: x->passes passes of x->bytes; the channel made here */
static int tp_run(struct ctx *x, char *err, size_t elen)
{
	int rc;

	x->piece = x->chunk;
	if (make_chans(x, 0, x->chunk, err, elen))
		return -1;
	x->cap = chan_capacity(x->a);
	rc = fork_run(x, tp_child, tp_parent, err, elen);
	chan_close(x->a);
	return rc;
}

/* throughput and correctness runs: the transport's hybrid wait where it has one, else sleep */
static int one_way_wait(const struct transport *t)
{
	return transport_has_wait(t, WAIT_HYBRID) ? WAIT_HYBRID : WAIT_SLEEP;
}

int run_correctness(const struct transport *tr, int inject, struct verdict *v)
{
	struct transport copy;
	const struct transport *t = transport_checked(tr, &copy);

	v->ok = 1;
	v->msg[0] = 0;
	for (int i = 0; i < opt->nsizes; i++) {
		struct ctx x;

		memset(&x, 0, sizeof(x));
		x.t = t;
		x.chunk = opt->sizes[i];
		x.bytes = opt->verify_bytes > 4 * x.chunk ? opt->verify_bytes : 4 * x.chunk;
		x.bytes += x.chunk / 3;	/* end on a partial chunk */
		x.passes = 1;
		x.verify = 1;
		x.wait = one_way_wait(t);
		x.inject_pass = inject && i == 0 ? 0 : -1;
		char e[200];

		if (tp_run(&x, e, sizeof(e))) {
			char s[32];

			snprintf(v->msg, sizeof(v->msg), "%.20s, chunk %.10s: %.200s", tr->name,
				 fmt_size(x.chunk, s, sizeof(s)), e);
			v->ok = 0;
			return -1;
		}
	}
	return 0;
}

/* median, min, max and spread of n values into the record */
static double rep_stats(double *v, int n, struct record *r)
{
	double lo = v[0], hi = v[0], med;

	for (int i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	med = median(v, n);
	r->repeats = n;
	r->vmin = lo;
	r->vmax = hi;
	/* to the 0.1 the document shows, so that "noisy" agrees with the printed figure */
	r->spread = med > 0 ? round((hi - lo) / med * 1000) / 10 : 0;
	return med;
}

int run_throughput(const struct transport *t, size_t chunk, uint64_t bytes, int verified, int inject,
		   char *err, size_t elen)
{
	double mbs[MAX_REPEATS];
	uint64_t el = 0, cw = 0, cr = 0;
	struct record r;
	struct ctx x;
	double msgs;
	int n = opt->repeats;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.chunk = chunk;
	x.bytes = bytes - bytes % chunk;
	if (!x.bytes)
		x.bytes = chunk;
	x.passes = 1 + n;
	/* a reader that discards the bytes cannot fold: neither side touches the payload */
	x.work = transport_reads(t);
	x.wait = one_way_wait(t);
	x.inject_pass = inject ? 1 : -1;
	if (tp_run(&x, err, elen))
		return -1;
	for (int i = 0; i < n; i++) {
		uint64_t e = x.res.p_end[i + 1] - x.p_t0[i + 1];

		mbs[i] = (double)x.bytes / ((double)e / 1e9) / 1e6;
		el += e;
		cw += x.p_cpu[i + 1];
		cr += x.res.p_cpu[i + 1];
	}
	msgs = (double)x.bytes / (double)chunk;
	rec_init(&r, t->name, "throughput", wait_name(x.wait));
	r.chunk_bytes = (long)chunk;
	r.count = (long)msgs;
	r.bytes = (double)x.bytes;
	r.mb_per_s = rep_stats(mbs, n, &r);
	r.seconds = (double)x.bytes / (r.mb_per_s * 1e6);	/* the median repeat's */
	r.cpu_w = (double)cw / (msgs * n);
	r.cpu_r = (double)cr / (msgs * n);
	r.pct_w = 100.0 * (double)cw / (double)el;
	r.pct_r = 100.0 * (double)cr / (double)el;
	r.capacity = x.cap;
	r.verified = verified;
	snprintf(r.work, sizeof(r.work), "%s", x.work ? WORK_FULL : WORK_INDICES);
	transport_notes(&r, t, x.wait, chunk, x.piece);
	rec_add(&r);
	return 0;
}

/* ---- ping-pong: RTT and fixed-rate latency ---------------------------- */

#define STOP_BYTE 255	/* messages carry i % 255; 255 tells the ponger to stop */

static int pp_child(struct ctx *x)
{
	char e[200];
	long n = 0;
	uint64_t c0 = cpu_ns(), w0 = now_ns();

	if (chan_end(x->a, END_R, x->wait, e, sizeof(e)) ||
	    chan_end(x->b, END_W, x->wait, e, sizeof(e))) {
		child_fail(x, "%s", e);
		return -1;
	}
	ready(x);
	if (opt->inject_stall)
		for (;;)
			pause();	/* a peer that never answers: the watchdog's test */
	for (;;) {
		int v;

		if (n == x->warm) {
			c0 = cpu_ns();
			w0 = now_ns();
		}
		v = chan_pong(x->a, x->b);
		if (v < 0) {
			child_fail(x, "ponger: %s after %ld messages", strerror(-v), n);
			return -1;
		}
		n++;
		if (v == STOP_BYTE)
			break;
	}
	x->sh->cpu = cpu_ns() - c0;
	x->sh->wall = now_ns() - w0;
	return 0;
}

static int ping(struct ctx *x, uint8_t v)
{
	int r = chan_ping(x->a, x->b, v);

	if (r < 0) {
		snprintf(x->err, sizeof(x->err), "pinger: %s", strerror(-r));
		return -1;
	}
	if (r != v) {
		snprintf(x->err, sizeof(x->err), "CORRUPTED echo: sent 0x%02x, got 0x%02x", v, r);
		return -1;
	}
	return 0;
}

static int pp_parent(struct ctx *x)
{
	uint64_t c0, w0, interval = x->rate ? 1000000000ull / (uint64_t)x->rate : 0;
	uint64_t limit = (uint64_t)(x->seconds * 1e9);
	uint64_t limit_paced = interval ? (uint64_t)x->count * interval + 250000000ull : 0;
	long i, total = 0;

	if (chan_end(x->a, END_W, x->wait, x->err, sizeof(x->err)) ||
	    chan_end(x->b, END_R, x->wait, x->err, sizeof(x->err)) || wait_ready(x))
		return -1;
	for (i = 0; i < x->warm; i++)
		if (ping(x, (uint8_t)(i % 255)))
			return -1;
	c0 = cpu_ns();
	w0 = now_ns();
	for (int rep = 0; rep < x->reps; rep++) {
		uint64_t t0 = now_ns() + (interval ? 1000000 : 0);	/* paced runs start 1 ms ahead */

		x->seg[rep] = total;
		for (i = 0; i < x->count; i++) {
			uint64_t start, t;

			if (interval) {
				/* the intended send time: latency counts from here (no coordinated omission) */
				start = t0 + (uint64_t)i * interval;
				/* a transport far behind its schedule: stop at 4x the planned time */
				if (i && now_ns() - t0 > 4 * limit_paced)
					break;
				if (now_ns() < start) {
					struct timespec ts = { (time_t)(start / 1000000000ull),
							       (long)(start % 1000000000ull) };

					while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
						;
				}
			} else {
				start = now_ns();
				if (limit && start - t0 >= limit)
					break;
			}
			if (ping(x, (uint8_t)(i % 255)))
				return -1;
			t = now_ns();
			x->samples[total + i] = t - start;
		}
		total += i;
	}
	x->seg[x->reps] = total;
	x->nsamples = total;
	x->wall = now_ns() - w0;
	x->cpu = cpu_ns() - c0;
	return ping(x, STOP_BYTE);
}

static int pp_run(struct ctx *x, char *err, size_t elen)
{
	int rc;

	if (make_chans(x, 1, 1, err, elen))
		return -1;
	x->cap = chan_capacity(x->a);
	x->samples = malloc(sizeof(*x->samples) * (size_t)x->reps * (size_t)(x->count > 0 ? x->count : 1));
	if (!x->samples)
		die("out of memory for %ld samples", x->count * x->reps);
	rc = fork_run(x, pp_child, pp_parent, err, elen);
	chan_close(x->a);
	chan_close(x->b);
	return rc;
}

/*
 * p50 = the median of each repeat's p50 (with their min, max and spread);
 * the other percentiles over every repeat's samples pooled.
 */
static void rep_percentiles(struct ctx *x, struct record *r)
{
	double p50[MAX_REPEATS];
	int n = 0;

	for (int i = 0; i < x->reps; i++) {
		long len = x->seg[i + 1] - x->seg[i];
		struct record one;

		if (len <= 0)
			continue;
		uint64_t *s = malloc(sizeof(*s) * (size_t)len);

		if (!s)
			die("out of memory");
		memcpy(s, x->samples + x->seg[i], sizeof(*s) * (size_t)len);
		percentiles(s, len, &one);
		p50[n++] = one.p50;
		free(s);
	}
	percentiles(x->samples, x->nsamples, r);
	if (n)
		r->p50 = rep_stats(p50, n, r);
}

static void pp_record(struct ctx *x, const char *metric, int verified)
{
	struct record r;
	long n = x->nsamples;

	rec_init(&r, x->t->name, metric, wait_name(x->wait));
	r.chunk_bytes = (long)transport_ping_bytes(x->t);
	rep_percentiles(x, &r);
	r.cpu_w = (double)x->cpu / (double)n;
	r.cpu_r = (double)x->res.cpu / (double)n;
	r.pct_w = 100.0 * (double)x->cpu / (double)x->wall;
	r.pct_r = 100.0 * (double)x->res.cpu / (double)x->res.wall;
	r.verified = verified;
	r.capacity = x->cap;
	if (!strcmp(metric, "rate")) {
		r.rate_target = (double)x->rate;
		r.rate_achieved = (double)n / ((double)x->wall / 1e9);
	}
	transport_notes(&r, x->t, x->wait, 1, 0);
	rec_add(&r);
}

int run_rtt(const struct transport *t, int wait, long count, long warm, int verified, char *err, size_t elen)
{
	struct ctx x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.wait = wait;
	x.count = count;
	x.warm = warm;
	x.reps = opt->repeats;
	rc = pp_run(&x, err, elen);
	if (!rc)
		pp_record(&x, "rtt", verified);
	free(x.samples);
	return rc;
}

int run_rate(const struct transport *t, int wait, long rate, double seconds, int verified, char *err, size_t elen)
{
	struct ctx x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.wait = wait;
	x.rate = rate;
	x.warm = 1000;
	x.reps = opt->repeats;
	if (rate) {
		x.count = (long)((double)rate * seconds);
		if (x.count < 10)
			x.count = 10;
	} else {
		x.seconds = seconds;
		x.count = (1L << 21) / x.reps;	/* at most this many samples per repeat in the time */
	}
	rc = pp_run(&x, err, elen);
	if (!rc)
		pp_record(&x, "rate", verified);
	free(x.samples);
	return rc;
}
