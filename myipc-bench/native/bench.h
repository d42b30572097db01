/* SPDX-License-Identifier: GPL-2.0 */
/*
 * myipc-bench-c: the native benchmark (no JVM). Two processes per
 * measurement (fork), one JSON result document, see ../RESULTS.md.
 */
#ifndef MYIPC_BENCH_H
#define MYIPC_BENCH_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define MAX_SIZES	16
#define MAX_RATES	8
#define MAX_DEVS	2
#define MAX_REPEATS	64

/* the "work" label of throughput records */
#define WORK_FULL	"every byte written and read"
#define WORK_INDICES	"indices only, no payload touched"

/* what a table line is measured as (run.c picks the runs by it) */
enum tlimit {
	L_CHANNEL = 0,		/* a transport: correctness, rtt, throughput, rate */
	L_CEILING,		/* the cross-core throughput ceiling (throughput only) */
	L_FLOOR,		/* the spinning-RTT floor (rtt only) */
};

struct transport_ops;

struct transport {
	const char *name;
	const struct transport_ops *ops;	/* its family (transport.h); NULL for the limits */
	size_t size;		/* pipe / ring / device capacity wanted; 0 = default */
	int null_reader;	/* vmsplice: reader splices into /dev/null (touches no payload) */
	const char *what;	/* one line: what exactly is measured */
	const char *sync;	/* dev copy: the driver's sync mode wanted (mutex|spsc), NULL = any */
	int ring;		/* a mapped ring (claim/view in place): hybrid wait rows, hybrid throughput */
	int ndevs;		/* driver devices one channel needs (ping-pong needs one per direction) */
	enum tlimit limit;
};

struct opts {
	size_t sizes[MAX_SIZES];
	int nsizes;
	uint64_t bytes;		/* timed byte budget per throughput point */
	int bytes_default;	/* not given: scaled budgets keep >= 8 chunks */
	uint64_t verify_bytes;	/* byte budget per chunk size in the correctness pass */
	long rtt_count;
	long warmup;
	long rates[MAX_RATES];	/* messages per second, 0 = max */
	int nrates;
	double rate_seconds;
	int same_core;		/* placement */
	int cpu_a, cpu_b;	/* CPUs used for the two sides */
	int quick;
	int inject_corruption;
	int inject_stall;	/* test: the ponger never answers */
	long spin_before_sleep;	/* rings, sleep policy: polls before announcing a sleep */
	long timeout;		/* seconds per measurement, 0 = none */
	int scaled;		/* budgets scaled down for emulation */
	int repeats;		/* timed repeats per point (after one untimed warm-up) */
	int check_ceiling;	/* fail the run if a throughput row beats the ceiling ... */
	double ceiling_tol;	/* ... by more than this many percent */
	const char *devs[MAX_DEVS];
	int ndevs;
	const char *out;
	const char *transports;	/* comma list, NULL = all */
	const char *metrics;	/* comma list of rtt,throughput,rate */
};

/*
 * options.c fills the options once, before any measurement; every other
 * unit reads them through this pointer and cannot write them.
 */
extern const struct opts *const opt;
enum { OPTS_RUN = -1, OPTS_LIST = -2 };	/* opts_parse: else the exit code */
int opts_parse(int argc, char **argv, int (*known)(const char *name, size_t len), int *self);
int in_list(const char *list, const char *name);	/* a comma list holds name; NULL holds all */

extern const struct transport TRANSPORTS[];
extern const int NTRANSPORTS;

/* one result record, fields left NaN / -1 are not printed */
struct record {
	char transport[32];
	char metric[12];	/* rtt | throughput | rate */
	char wait[8];		/* sleep | spin | hybrid | "" */
	long chunk_bytes;
	long count;
	double p50, p90, p99, p999, max, min, mean;	/* ns */
	double mb_per_s, bytes, seconds;
	double cpu_w, cpu_r;		/* ns per message */
	double pct_w, pct_r;		/* CPU % */
	double rate_target, rate_achieved;
	long capacity;
	int verified;		/* -1 unknown */
	int repeats;		/* -1: not repeated */
	double vmin, vmax;	/* min / max over repeats of mb_per_s (throughput) or p50 (rtt, rate) */
	double spread;		/* (vmax - vmin) / median * 100 */
	char work[40];		/* throughput: WORK_FULL or WORK_INDICES */
	char note[300];
};

/* report.c: the records of the run, the console tables, the JSON document */
void rec_init(struct record *r, const char *transport, const char *metric, const char *wait);
void rec_add(const struct record *r);
int rec_count(void);
const struct record *rec_at(int i);
const struct record *find_tp(const char *transport, long chunk);	/* throughput at a chunk size, NULL if none */
const char *placement(void);
void print_tables(void);
void write_json(FILE *f);

/* util.c */
uint64_t now_ns(void);
uint64_t cpu_ns(void);
int pin_to(int cpu);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint8_t pattern_byte(uint64_t off);
void pattern_fill(uint8_t *p, uint64_t off, size_t n);

/*
 * The fair-work pattern of timed runs: word k (stream offset 8k) holds k.
 * The writer stores every word, the reader adds every byte into sum,
 * completing a word split across two reads from the bytes of both.
 */
void words_fill(uint8_t *p, uint64_t off, size_t n);	/* off, n: multiples of 8 */
struct fold { uint64_t sum, partial, off; };
void fold_bytes(struct fold *f, const uint8_t *p, size_t n);
uint64_t fold_end(struct fold *f);
uint64_t words_sum(uint64_t nwords);		/* n(n-1)/2 mod 2^64 */
double median(double *v, int n);		/* sorts v */
const char *env_vm_mode(void);			/* MYIPC_VM_MODE: icount | tcg | kvm, NULL if unset */
void percentiles(uint64_t *s, long n, struct record *r);
void env_json(FILE *f);
int env_emulated(void);
void env_init(void);
void json_str(FILE *f, const char *s);
const char *fmt_size(size_t n, char *buf, size_t len);

/*
 * How a side waits for its peer (the row's "wait"): WAIT_SPIN polls only;
 * WAIT_SLEEP sleeps in the kernel at once (blocking read(2), or on a ring
 * announce and sleep); WAIT_HYBRID, rings only (files sleep as WAIT_SLEEP),
 * polls HYBRID_SPINS times, yields HYBRID_YIELDS times, then sleeps: the
 * Java ring's default.
 */
#define WAIT_SLEEP	0
#define WAIT_SPIN	1
#define WAIT_HYBRID	2
#define HYBRID_SPINS	200
#define HYBRID_YIELDS	20

/* channel: one direction of data, from the writer process to the reader */
struct ring_end;
struct chan {
	const struct transport *t;
	int fd[2];		/* pipe / socketpair / dev: [0] read end, [1] write end */
	int nullfd;
	const char *path;	/* dev */
	int holder;		/* dev-mmap: O_RDWR fd without a role that keeps the sized ring alive until both ends mapped */
	struct ring_end *ring;	/* ring transports (shm, dev-mmap): this process's end, NULL before chan_end */
	void *shm;		/* shm: the ring's memory, mapped before fork */
	size_t shm_len;
	uint8_t *vbuf;		/* vmsplice writer: buffer ring of pages */
	size_t vstride, vslots, vnext;
	uint8_t *wbuf;		/* writer's message buffer (non-vmsplice) */
	size_t wbuf_len;
	int wait, yield, is_parent;	/* wait: WAIT_* */
	long capacity;		/* in effect, bytes */
};

enum { END_R = 0, END_W = 1 };
int chan_create(struct chan *c, const struct transport *t, size_t maxmsg, const char *path, char *err, size_t elen);
int chan_end(struct chan *c, int end, int wait, char *err, size_t elen);
/* the buffer to fill with the next message of n bytes (<= chan_max_claim); NULL with errno = EPIPE/EIO */
uint8_t *chan_wbuf(struct chan *c, size_t n);
size_t chan_max_claim(const struct chan *c);	/* rings: the capacity; others: SIZE_MAX */
/* zero-copy read (rings only): wait for bytes, point *p at up to max of them in the ring */
ssize_t chan_view(struct chan *c, const uint8_t **p, size_t max);	/* >0, -errno */
int chan_release(struct chan *c, size_t n);
const char *transport_note(const struct transport *t);	/* e.g. the driver's sync mode, "" if none */
int chan_send(struct chan *c, const uint8_t *p, size_t n);	/* 0 or -errno */
ssize_t chan_recv(struct chan *c, uint8_t *p, size_t max);	/* >0, 0 EOF, -errno */
void chan_close(struct chan *c);
int transport_available(const struct transport *t, char *why, size_t len);
int transport_known(const char *name, size_t len);

/* the other process of a measurement (0: none): checked while spinning/waiting */
void peer_set(pid_t pid);
pid_t peer(void);
int peer_gone(void);
int peer_reaped_status(int *st);

/* measure.c */
struct verdict { int ok; char msg[256]; };
int run_correctness(const struct transport *t, int inject, struct verdict *v);
const char *wait_name(int wait);
int run_rtt(const struct transport *t, int wait, long count, long warm, int verified, char *err, size_t elen);
/* throughput of a transport, or of the ceiling (t->limit == L_CEILING) */
int run_throughput(const struct transport *t, size_t chunk, uint64_t bytes, int verified, int inject,
		   char *err, size_t elen);
int run_rate(const struct transport *t, int wait, long rate, double seconds, int verified, char *err, size_t elen);
int run_cacheline(long count, long warm, char *err, size_t elen);

/* run.c: the run plan */
extern const int WAITS[];
int nwaits(const struct transport *t);
int can_pingpong(const struct transport *t);
void run_all(void);
void check_ceiling(void);	/* fails rows above the ceiling (--check-ceiling) */
int run_failures(void);

/* selftest.c */
int self_test(void);

#endif
