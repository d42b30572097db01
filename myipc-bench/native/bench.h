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

/* the measurements a transport takes (transport_metrics): run.c plans the run by them */
enum { M_CORRECTNESS = 1, M_RTT = 2, M_THROUGHPUT = 4, M_RATE = 8 };

struct transport_ops;

/* one line of ../transports.tsv: the Makefile compiles the file into TRANSPORTS[] */
struct transport {
	const char *name;
	const struct transport_ops *ops;	/* its family (transport.h) */
	size_t size;		/* pipe / ring / device capacity wanted; 0 = default */
	int null_reader;	/* vmsplice: reader splices into /dev/null (touches no payload) */
	const char *what;	/* one line: what exactly is measured */
	const char *sync;	/* dev copy: the driver's sync mode wanted (mutex|spsc), NULL = any */
	int ring;		/* a mapped ring (claim/view in place): hybrid wait rows, hybrid throughput */
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
void note_cat(char *note, size_t len, const char *s);	/* appends "; s" (or s) to note */

/*
 * How a side waits for its peer (the row's "wait"): WAIT_SPIN polls only;
 * WAIT_SLEEP sleeps in the kernel at once (blocking read(2), or on a ring
 * announce and sleep); WAIT_HYBRID, rings and the ceiling (files sleep as
 * WAIT_SLEEP), polls HYBRID_SPINS times, yields HYBRID_YIELDS times, then
 * sleeps: the Java ring's default.
 */
#define WAIT_SLEEP	0
#define WAIT_SPIN	1
#define WAIT_HYBRID	2
#define HYBRID_SPINS	200
#define HYBRID_YIELDS	20
#define NWAITS		3	/* the WAIT_* run from 0 to NWAITS - 1 */

/*
 * What the run plan and the measurements ask a transport. Its metrics and
 * wait policies: correctness, rtt, throughput and rate, with sleep, spin
 * and (rings) hybrid waits, unless its family says less; no ping-pong for
 * a reader that discards the bytes.
 */
unsigned int transport_metrics(const struct transport *t);	/* M_* */
int transport_has_wait(const struct transport *t, int wait);
int transport_reads(const struct transport *t);		/* its reader touches every byte it gets */
/* the transport as its correctness pass runs it: a reader that discards the bytes reads them */
const struct transport *transport_checked(const struct transport *t, struct transport *copy);
size_t transport_ping_bytes(const struct transport *t);	/* what one ping-pong message moves */
/* what qualifies every record of the transport measured with this wait ("" if nothing), in buf */
const char *transport_note(const struct transport *t, int wait, char *buf, size_t len);
int transport_available(const struct transport *t, char *why, size_t len);
int transport_known(const char *name, size_t len);

/* channel: one direction of data, from the writer process to the reader (transport.h) */
struct chan;
enum { END_R = 0, END_W = 1 };
struct chan *chan_create(const struct transport *t, size_t maxmsg, const char *path, char *err, size_t elen);
int chan_end(struct chan *c, int end, int wait, char *err, size_t elen);
long chan_capacity(const struct chan *c);	/* bytes in effect */
/* the buffer to fill with the next message of n bytes (<= chan_max_claim); NULL with errno = EPIPE/EIO */
uint8_t *chan_wbuf(struct chan *c, size_t n);
size_t chan_max_claim(const struct chan *c);	/* rings: the capacity; others: SIZE_MAX */
int chan_send(struct chan *c, const uint8_t *p, size_t n);	/* 0 or -errno */
/* the reader's next bytes, up to max, where they lie: *v points into the ring, or at buf */
ssize_t chan_view(struct chan *c, uint8_t *buf, size_t max, const uint8_t **v);	/* >0, 0 EOF, -errno */
int chan_release(struct chan *c, size_t n);	/* done with the n bytes of the last view */
/* ping-pong over a (pinger to ponger) and b (back): one byte each way; the byte, or -errno */
int chan_ping(struct chan *a, struct chan *b, uint8_t v);
int chan_pong(struct chan *a, struct chan *b);
void chan_close(struct chan *c);

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
int run_throughput(const struct transport *t, size_t chunk, uint64_t bytes, int verified, int inject,
		   char *err, size_t elen);
int run_rate(const struct transport *t, int wait, long rate, double seconds, int verified, char *err, size_t elen);

/* run.c: the run plan */
void run_all(void);
void check_ceiling(void);	/* fails rows above the ceiling (--check-ceiling) */
int run_failures(void);

/* selftest.c */
int self_test(void);

#endif
