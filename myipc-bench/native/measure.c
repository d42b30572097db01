// SPDX-License-Identifier: GPL-2.0
/*
 * The measurements. Each one forks: the parent is the writer (throughput)
 * or the pinger (RTT, rate), the child the reader or the ponger. They meet
 * at a start line (the child reports "ready" through a control pipe) and
 * the child hands its figures back in a small MAP_SHARED area.
 */
#include "bench.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
	uint64_t cpu;		/* child: CPU ns over the measured part */
	uint64_t wall;		/* child: wall ns over the measured part */
	uint64_t t_end;		/* child: CLOCK_MONOTONIC at the last byte */
	int failed;
	char msg[256];
	uint32_t line[64] __attribute__((aligned(128)));	/* cacheline ping-pong */
};

struct ctx {
	const struct transport *t;
	struct chan a, b;	/* a: parent -> child, b: child -> parent */
	struct shared *sh;
	int ctl[2];
	int spin;
	/* throughput */
	size_t chunk;
	uint64_t bytes;
	int verify, inject;
	/* rtt / rate */
	long count, warm, rate;
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
	if (peer_pid > 0)
		kill(peer_pid, SIGKILL);
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
	if (pipe(x->ctl))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		peer_pid = getppid();
		close(x->ctl[0]);
		if (pin_to(O.same_core ? O.cpu_a : O.cpu_b))
			child_fail(x, "sched_setaffinity(cpu %d): %s", O.same_core ? O.cpu_a : O.cpu_b,
				   strerror(errno));
		else
			child(x);
		_exit(x->sh->failed ? 1 : 0);
	}
	peer_pid = pid;
	close(x->ctl[1]);
	x->err[0] = 0;
	if (O.timeout > 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;	/* no SA_RESTART: blocked calls return EINTR */
		sigaction(SIGALRM, &sa, NULL);
		timed_out = 0;
		alarm((unsigned int)O.timeout);
	}
	if (pin_to(O.cpu_a)) {
		snprintf(x->err, sizeof(x->err), "sched_setaffinity(cpu %d): %s", O.cpu_a, strerror(errno));
		rc = -1;
	} else {
		rc = parent(x);
	}
	alarm(0);
	if (rc)
		kill(pid, SIGKILL);
	if (!peer_reaped_status(&st))
		waitpid(pid, &st, 0);
	peer_pid = 0;
	if (timed_out) {
		snprintf(err, elen, "no result after %ld s: stopped by the watchdog (--timeout); last error: %.150s",
			 O.timeout, x->sh->failed ? x->sh->msg : x->err);
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
	if (chan_create(&x->a, x->t, maxmsg, O.devs[0], err, elen))
		return -1;
	if (!two)
		return 0;
	if (chan_create(&x->b, x->t, maxmsg, O.ndevs > 1 ? O.devs[1] : NULL, err, elen)) {
		chan_close(&x->a);
		return -1;
	}
	return 0;
}

/* appends "; s" (or s) to the record's note */
static void note_add(struct record *r, const char *s)
{
	size_t n = strlen(r->note);

	if (!s || !*s)
		return;
	snprintf(r->note + n, sizeof(r->note) - n, "%s%s", n ? "; " : "", s);
}

/* what qualifies every record of a transport (the driver's sync mode, mmap's waiting) */
static void transport_notes(struct record *r, const struct transport *t, int spin, size_t chunk, long cap)
{
	char b[120];

	note_add(r, transport_note(t));
	if (t->kind == T_DEVMMAP && !spin && O.spin_before_sleep) {
		snprintf(b, sizeof(b), "polls %ld times before announcing a sleep", O.spin_before_sleep);
		note_add(r, b);
	}
	if (t->kind == T_DEVMMAP && cap > 0 && chunk > (size_t)cap) {
		snprintf(b, sizeof(b), "each %zu-byte chunk is claimed in ring-sized (%ld-byte) pieces", chunk, cap);
		note_add(r, b);
	}
}

/* ---- throughput and the correctness pass ----------------------------- */

static int tp_child(struct ctx *x)
{
	uint8_t *buf;
	uint64_t got = 0, c0, w0;
	char e[200];

	if (chan_end(&x->a, END_R, WAIT_SLEEP, e, sizeof(e))) {
		child_fail(x, "%s", e);
		return -1;
	}
	buf = page_buf(x->chunk);
	ready(x);
	c0 = cpu_ns();
	w0 = now_ns();
	while (got < x->bytes) {
		uint64_t left = x->bytes - got;
		const uint8_t *view = NULL;
		ssize_t k;

		/* the driver's mapped ring: look at the bytes where they are, then release them */
		if (x->a.ring)
			k = chan_view(&x->a, &view, left < x->chunk ? left : x->chunk);
		else
			k = chan_recv(&x->a, buf, left < x->chunk ? left : x->chunk);
		if (!view)
			view = buf;

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
		}
		if (x->a.ring) {
			int e = chan_release(&x->a, (size_t)k);

			if (e) {
				child_fail(x, "reader: release: %s", strerror(-e));
				return -1;
			}
		}
		got += (uint64_t)k;
	}
	x->sh->t_end = now_ns();
	x->sh->cpu = cpu_ns() - c0;
	x->sh->wall = x->sh->t_end - w0;
	return 0;
}

static int tp_parent(struct ctx *x)
{
	uint64_t off, c0;
	uint64_t bad = x->bytes / 2 + 17;	/* the byte --inject-corruption flips */

	if (chan_end(&x->a, END_W, WAIT_SLEEP, x->err, sizeof(x->err)) || wait_ready(x))
		return -1;
	x->t0 = now_ns();
	c0 = cpu_ns();
	/* a ring mapped by the writer is claimed at most its capacity at a time */
	size_t piece = x->chunk < chan_max_claim(&x->a) ? x->chunk : chan_max_claim(&x->a);

	for (off = 0; off < x->bytes; off += piece) {
		size_t n = x->bytes - off < piece ? (size_t)(x->bytes - off) : piece;
		uint8_t *p = chan_wbuf(&x->a, n);
		int e;

		if (!p) {
			snprintf(x->err, sizeof(x->err), "writer: claim: %s after %llu bytes", strerror(errno),
				 (unsigned long long)off);
			return -1;
		}
		if (x->verify) {
			pattern_fill(p, off, n);
			if (x->inject && bad >= off && bad < off + n)
				p[bad - off] ^= 0x5a;
		}
		e = chan_send(&x->a, p, n);
		if (e) {
			snprintf(x->err, sizeof(x->err), "writer: %s after %llu bytes", strerror(-e),
				 (unsigned long long)off);
			return -1;
		}
	}
	x->cpu = cpu_ns() - c0;
	return 0;
}

static int tp_run(struct ctx *x, char *err, size_t elen)
{
	int rc;

	if (make_chans(x, 0, x->chunk, err, elen))
		return -1;
	rc = fork_run(x, tp_child, tp_parent, err, elen);
	chan_close(&x->a);
	return rc;
}

int run_correctness(const struct transport *tr, int inject, struct verdict *v)
{
	/* vmsplice-null's reader never looks at the data: verify its writer path with read(2) */
	struct transport t = *tr;

	t.null_reader = 0;
	v->ok = 1;
	v->msg[0] = 0;
	for (int i = 0; i < O.nsizes; i++) {
		struct ctx x;

		memset(&x, 0, sizeof(x));
		x.t = &t;
		x.chunk = O.sizes[i];
		x.bytes = O.verify_bytes > 4 * x.chunk ? O.verify_bytes : 4 * x.chunk;
		x.bytes += x.chunk / 3;	/* end on a partial chunk */
		x.verify = 1;
		x.inject = inject && i == 0;
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

int run_throughput(const struct transport *t, size_t chunk, uint64_t bytes, int verified,
		   char *err, size_t elen)
{
	struct ctx x;
	struct record r;
	uint64_t el;
	double msgs;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.chunk = chunk;
	x.bytes = bytes - bytes % chunk;
	if (!x.bytes)
		x.bytes = chunk;
	if (make_chans(&x, 0, chunk, err, elen))
		return -1;
	long cap = x.a.capacity;
	int rc = fork_run(&x, tp_child, tp_parent, err, elen);
	struct shared *keep = &x.res;

	chan_close(&x.a);
	if (rc)
		return -1;
	el = keep->t_end - x.t0;
	msgs = (double)x.bytes / (double)chunk;
	rec_init(&r, t->name, "throughput", "sleep");
	r.chunk_bytes = (long)chunk;
	r.count = (long)msgs;
	r.bytes = (double)x.bytes;
	r.seconds = (double)el / 1e9;
	r.mb_per_s = (double)x.bytes / ((double)el / 1e9) / 1e6;
	r.cpu_w = (double)x.cpu / msgs;
	r.cpu_r = (double)keep->cpu / msgs;
	r.pct_w = 100.0 * (double)x.cpu / (double)el;
	r.pct_r = 100.0 * (double)keep->cpu / (double)el;
	r.capacity = cap;
	r.verified = verified;
	if (t->kind == T_SHM && O.spin_before_sleep)
		snprintf(r.note, sizeof(r.note), "spins %ld times before each futex wait", O.spin_before_sleep);
	transport_notes(&r, t, 0, chunk, cap);
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

	if (chan_end(&x->a, END_R, x->spin ? WAIT_SPIN : WAIT_SLEEP, e, sizeof(e)) ||
	    chan_end(&x->b, END_W, x->spin ? WAIT_SPIN : WAIT_SLEEP, e, sizeof(e))) {
		child_fail(x, "%s", e);
		return -1;
	}
	ready(x);
	if (O.inject_stall)
		for (;;)
			pause();	/* a peer that never answers: the watchdog's test */
	for (;;) {
		uint8_t v, *p;
		ssize_t k = chan_recv(&x->a, &v, 1);
		int s;

		if (k != 1) {
			child_fail(x, "ponger: %s after %ld messages", k ? strerror((int)-k) : "end of file", n);
			return -1;
		}
		if (n == x->warm) {
			c0 = cpu_ns();
			w0 = now_ns();
		}
		p = chan_wbuf(&x->b, 1);
		if (!p) {
			child_fail(x, "ponger: claim: %s after %ld messages", strerror(errno), n);
			return -1;
		}
		*p = v;
		s = chan_send(&x->b, p, 1);
		if (s) {
			child_fail(x, "ponger: %s after %ld messages", strerror(-s), n);
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
	uint8_t *p = chan_wbuf(&x->a, 1), r = 0;
	ssize_t k;
	int s;

	if (!p) {
		snprintf(x->err, sizeof(x->err), "pinger: claim: %s", strerror(errno));
		return -1;
	}
	*p = v;
	s = chan_send(&x->a, p, 1);
	if (s) {
		snprintf(x->err, sizeof(x->err), "pinger: send: %s", strerror(-s));
		return -1;
	}
	k = chan_recv(&x->b, &r, 1);
	if (k != 1) {
		snprintf(x->err, sizeof(x->err), "pinger: receive: %s", k ? strerror((int)-k) : "end of file");
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
	uint64_t t0, c0, interval = x->rate ? 1000000000ull / (uint64_t)x->rate : 0;
	uint64_t limit = (uint64_t)(x->seconds * 1e9);
	uint64_t limit_paced = interval ? (uint64_t)x->count * interval + 250000000ull : 0;
	long i;

	if (chan_end(&x->a, END_W, x->spin ? WAIT_SPIN : WAIT_SLEEP, x->err, sizeof(x->err)) ||
	    chan_end(&x->b, END_R, x->spin ? WAIT_SPIN : WAIT_SLEEP, x->err, sizeof(x->err)) || wait_ready(x))
		return -1;
	for (i = 0; i < x->warm; i++)
		if (ping(x, (uint8_t)(i % 255)))
			return -1;
	c0 = cpu_ns();
	t0 = now_ns() + (interval ? 1000000 : 0);	/* paced runs start 1 ms ahead */
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
		x->samples[i] = t - start;
	}
	x->nsamples = i;
	x->wall = now_ns() - t0;
	x->cpu = cpu_ns() - c0;
	return ping(x, STOP_BYTE);
}

static int pp_run(struct ctx *x, char *err, size_t elen)
{
	int rc;

	if ((x->t->kind == T_DEV || x->t->kind == T_DEVMMAP) && O.ndevs < 2) {
		snprintf(err, elen, "ping-pong over the driver needs two devices: --dev /dev/myipc0,/dev/myipc1");
		return -1;
	}
	if (make_chans(x, 1, 1, err, elen))
		return -1;
	x->cap = x->a.capacity;
	x->samples = malloc(sizeof(*x->samples) * (size_t)(x->count > 0 ? x->count : 1));
	if (!x->samples)
		die("out of memory for %ld samples", x->count);
	rc = fork_run(x, pp_child, pp_parent, err, elen);
	chan_close(&x->a);
	chan_close(&x->b);
	return rc;
}

static void pp_record(struct ctx *x, const char *metric, int verified)
{
	struct record r;
	long n = x->nsamples;

	rec_init(&r, x->t->name, metric, x->spin ? "spin" : "sleep");
	r.chunk_bytes = 1;
	percentiles(x->samples, n, &r);
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
	if (x->spin && O.same_core)
		snprintf(r.note, sizeof(r.note), "both sides on one core: the spinning side calls sched_yield() between polls");
	else if (!x->spin && x->t->kind == T_SHM && O.spin_before_sleep)
		snprintf(r.note, sizeof(r.note), "spins %ld times before each futex wait", O.spin_before_sleep);
	transport_notes(&r, x->t, x->spin, 1, x->cap);
	rec_add(&r);
}

int run_rtt(const struct transport *t, int spin, long count, long warm, int verified, char *err, size_t elen)
{
	struct ctx x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.spin = spin;
	x.count = count;
	x.warm = warm;
	rc = pp_run(&x, err, elen);
	if (!rc)
		pp_record(&x, "rtt", verified);
	free(x.samples);
	return rc;
}

int run_rate(const struct transport *t, int spin, long rate, double seconds, int verified, char *err, size_t elen)
{
	struct ctx x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.spin = spin;
	x.rate = rate;
	x.warm = 1000;
	if (rate) {
		x.count = (long)((double)rate * seconds);
		if (x.count < 10)
			x.count = 10;
	} else {
		x.seconds = seconds;
		x.count = 1L << 21;	/* at most this many samples in the time */
	}
	rc = pp_run(&x, err, elen);
	if (!rc)
		pp_record(&x, "rate", verified);
	free(x.samples);
	return rc;
}

/* ---- the machine's limits --------------------------------------------- */

static int cl_child(struct ctx *x)
{
	uint32_t *line = x->sh->line;
	long total = x->warm + x->count;
	int yield = O.same_core;

	uint64_t c0 = cpu_ns(), w0 = now_ns();

	ready(x);
	for (long i = 0; i < total; i++) {
		uint32_t want = (uint32_t)(2 * i + 1);
		unsigned long n = 0;

		if (i == x->warm) {
			c0 = cpu_ns();
			w0 = now_ns();
		}
		while (__atomic_load_n(line, __ATOMIC_ACQUIRE) != want) {
			if (yield)
				sched_yield();
			else
				__builtin_ia32_pause();
			if ((++n & 0xfffff) == 0 && peer_gone()) {
				child_fail(x, "cacheline: pinger gone");
				return -1;
			}
		}
		__atomic_store_n(line, want + 1, __ATOMIC_RELEASE);
	}
	x->sh->cpu = cpu_ns() - c0;
	x->sh->wall = now_ns() - w0;
	return 0;
}

static int cl_parent(struct ctx *x)
{
	uint32_t *line = x->sh->line;
	int yield = O.same_core;
	uint64_t c0 = 0, t0 = 0;

	if (wait_ready(x))
		return -1;
	for (long i = 0; i < x->warm + x->count; i++) {
		uint32_t want = (uint32_t)(2 * i + 2);
		unsigned long n = 0;
		uint64_t s;

		if (i == x->warm) {
			c0 = cpu_ns();
			t0 = now_ns();
		}
		s = now_ns();
		__atomic_store_n(line, want - 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(line, __ATOMIC_ACQUIRE) != want) {
			if (yield)
				sched_yield();
			else
				__builtin_ia32_pause();
			if ((++n & 0xfffff) == 0 && peer_gone()) {
				snprintf(x->err, sizeof(x->err), "cacheline: ponger gone");
				return -1;
			}
		}
		if (i >= x->warm)
			x->samples[i - x->warm] = now_ns() - s;
	}
	x->nsamples = x->count;
	x->cpu = cpu_ns() - c0;
	x->wall = now_ns() - t0;
	return 0;
}

int run_cacheline(long count, long warm, char *err, size_t elen)
{
	struct ctx x;
	struct record r;
	int rc;

	memset(&x, 0, sizeof(x));
	x.count = count;
	x.warm = warm;
	x.samples = malloc(sizeof(*x.samples) * (size_t)count);
	if (!x.samples)
		die("out of memory");
	rc = fork_run(&x, cl_child, cl_parent, err, elen);
	if (!rc) {
		rec_init(&r, "cacheline", "rtt", "spin");
		r.chunk_bytes = 4;
		percentiles(x.samples, x.nsamples, &r);
		r.cpu_w = (double)x.cpu / (double)count;
		r.cpu_r = (double)x.res.cpu / (double)count;
		r.pct_w = 100.0 * (double)x.cpu / (double)x.wall;
		r.pct_r = 100.0 * (double)x.res.cpu / (double)x.res.wall;
		r.verified = 1;	/* every value in the sequence was seen in order */
		if (O.same_core)
			snprintf(r.note, sizeof(r.note), "both sides on one core: sched_yield() between polls");
		rec_add(&r);
	}
	free(x.samples);
	return rc;
}

/* through a volatile pointer so the compiler cannot drop or merge the copies */
static void *(*volatile copy_fn)(void *, const void *, size_t) = memcpy;

int run_memcpy(size_t chunk, uint64_t bytes, char *err, size_t elen)
{
	uint8_t *src = page_buf(chunk), *dst = page_buf(chunk);
	uint64_t n = bytes / chunk ? bytes / chunk : 1, t0, c0, el, cpu;
	struct record r;
	int ok;

	(void)err;
	(void)elen;
	if (pin_to(O.cpu_a))
		progress("memcpy: cannot pin to cpu %d: %s", O.cpu_a, strerror(errno));
	pattern_fill(src, 0, chunk);
	copy_fn(dst, src, chunk);
	ok = !memcmp(dst, src, chunk);
	t0 = now_ns();
	c0 = cpu_ns();
	for (uint64_t i = 0; i < n; i++) {
		copy_fn(dst, src, chunk);
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	cpu = cpu_ns() - c0;
	el = now_ns() - t0;
	rec_init(&r, "memcpy", "throughput", "");
	r.chunk_bytes = (long)chunk;
	r.count = (long)n;
	r.bytes = (double)(n * chunk);
	r.seconds = (double)el / 1e9;
	r.mb_per_s = r.bytes / r.seconds / 1e6;
	r.cpu_w = (double)cpu / (double)n;
	r.pct_w = 100.0 * (double)cpu / (double)el;
	r.verified = ok;
	snprintf(r.note, sizeof(r.note), "one thread, source and destination each one chunk, reused");
	rec_add(&r);
	munmap(src, chunk);
	munmap(dst, chunk);
	return 0;
}
