/* SPDX-License-Identifier: GPL-2.0 */
/*
 * harness.h - the conformance suite's test harness: a TAP reporter that runs
 * every case in its own forked process group with a timeout, plus helpers to
 * talk to the TARGET (a Linux FIFO or a /dev/myipcN device).
 *
 * A case is a function that returns normally to pass, or ends itself with
 * CHECK*()/fail() (not ok) or skip() (ok ... # SKIP). Helpers it forks are
 * killed and reaped by the runner when the case ends.
 */
#ifndef MYIPC_TESTS_HARNESS_H
#define MYIPC_TESTS_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "myipc.h"

#ifndef PIPE_BUF
#define PIPE_BUF 4096
#endif

/* Case flags. */
#define DEV_ONLY	0x1	/* needs the driver: skipped on a FIFO */
#define NEEDS_KO	0x2	/* unloads/reloads the module (needs MYIPC_KO) */
/*
 * Runs the same driver code in either sync mode: mapped ends only, whose
 * one brush with the copy path's lock is an uncontended lock and unlock in
 * MYIPC_IOC_SET_ROLE. --skip-any-sync leaves such a case out, so a run per
 * mode repeats only what the mode changes (run-conformance passes it after
 * the first mode on a kernel).
 */
#define ANY_SYNC	0x4

struct target {
	bool dev;		/* /dev/myipcN (true) or a FIFO (false) */
	char path[256];		/* what the case opens */
	char path2[256];	/* a second, independent channel */
	char tmpdir[200];	/* scratch folder of the run */
	char name[64];		/* myipcN (device) */
	char sysfs[300];	/* /sys/class/myipc/myipcN (device) */
	char stats_dir[320];	/* where the counters live in sysfs */
};
extern struct target T;

/* Outcome of a case: diagnostics and ends. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define fail(...) fail_at(__FILE__, __LINE__, __VA_ARGS__)

/* CHECK(cond, "what went wrong %d", x) */
#define CHECK(cond, fmt, ...) do {					\
	if (!(cond))							\
		fail_at(__FILE__, __LINE__, "check '%s' failed: " fmt, #cond, \
			##__VA_ARGS__);					\
} while (0)

/* A call that must succeed (not return -1); yields its value. */
#define SYS(expr) ({							\
	long __r = (long)(expr);					\
	if (__r == -1)							\
		fail_at(__FILE__, __LINE__, "%s failed: %s (errno %d)",	\
			#expr, strerror(errno), errno);			\
	__r;								\
})

/* A call that must fail with -1 and errno == err. */
#define SYS_ERR(expr, err) do {						\
	errno = 0;							\
	long __r = (long)(expr);					\
	int __e = errno;						\
	if (__r != -1 || __e != (err))					\
		fail_at(__FILE__, __LINE__,				\
			"%s: expected -1/%s, got %ld/%s", #expr,	\
			errno_name(err), __r,				\
			__r == -1 ? errno_name(__e) : "no error");	\
} while (0)

/* Equality of two integers with both values printed. */
#define CHECK_EQ(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b)							\
		fail_at(__FILE__, __LINE__, "%s == %s: got %lld, expected %lld", \
			#a, #b, __a, __b);				\
} while (0)

const char *errno_name(int err);

/* Opening the target. */
int topen(int flags);				/* open(T.path, flags), -1 on error */
int topen_path(const char *path, int flags);
void open_pair(int *rfd, int *wfd);		/* blocking reader + writer */
void set_nonblock(int fd, bool on);

/* Capacity: MYIPC_IOC_GET_SIZE / F_GETPIPE_SZ. */
long tcapacity(int fd);
/* MYIPC_IOC_SET_SIZE / F_SETPIPE_SZ: new capacity, or -errno. */
long tset_size(int fd, unsigned long size);
int fionread(int fd);
/* Write without blocking until EAGAIN; returns bytes written. */
size_t fill_full(int wfd, uint64_t *offset);
/* Read exactly n bytes (blocking, loops over short reads); fails on EOF. */
void read_exact(int fd, void *buf, size_t n);
void write_all(int fd, const void *buf, size_t n);

/* A deterministic byte stream: pattern byte at stream offset off. */
void pattern_fill(uint8_t *buf, uint64_t off, size_t n);
/* Index of the first mismatch, or -1. */
long pattern_check(const uint8_t *buf, uint64_t off, size_t n);

/* Processes. */
pid_t spawn(void (*fn)(void *arg), void *arg);	/* child runs fn, exits 0 */
int wait_status(pid_t pid, int timeout_ms);	/* waitpid status; fails on timeout */
void expect_exit0(pid_t pid, int timeout_ms, const char *what);
bool has_exited(pid_t pid, int *status);
/* Wait until pid sleeps (state S) inside system call nr; fails after 10 s. */
void wait_blocked(pid_t pid, long nr);
bool is_blocked(pid_t pid, long nr);
long voluntary_switches(pid_t pid);
void msleep(int ms);
double now(void);				/* CLOCK_MONOTONIC, seconds */
void *shared_alloc(size_t size);		/* MAP_SHARED anonymous, zeroed */

/* Driver side. */
struct myipc_stats get_stats(int fd);
/* sysfs counter of T (stats_dir/<name>); -1 when it does not exist. */
long long sysfs_counter(const char *name);
/* Read a whole small file into buf; -1 on error. */
int read_file(const char *path, char *buf, size_t size);
long long read_ll(const char *path);

/* Signals: a handler that counts deliveries into *counter (shared memory). */
void catch_signal(int sig, bool restart, int *counter);

/* The module (NEEDS_KO cases). MYIPC_KO / MYIPC_PARAMS from the environment. */
bool module_loaded(void);
int module_unload(void);			/* 0 or -errno */
int module_load(const char *params);		/* 0 or -errno */
/* Tell the runner to put the original module back after this case. */
void module_set_dirty(bool dirty);
/* Restore: load MYIPC_KO with MYIPC_PARAMS if the module is missing or dirty. */
int module_restore(bool dirty);

/*
 * A page whose first touch stalls in the kernel (userfaultfd, missing
 * mode) until stall_release(): a copy to or from it holds the driver's
 * locks as long as a page fault on a slow backing store would. Skips the
 * case where userfaultfd is not available.
 */
struct stall {
	int uffd;
	void *page;
};
void stall_page(struct stall *s);
void stall_release(struct stall *s);	/* fills the page with zeros */

/*
 * A read(2) into (or write(2) from) the stalled page, in a thread of this
 * process: start_stalled_copy() returns once the copy has been inside the
 * call for 300 ms (it fails the case if the copy returned: no stall);
 * stalled_copy_wait() waits up to 10 s after stall_release() for its
 * result (bytes moved, or -1 with errno's value in err).
 */
struct stalled_copy {
	int fd;
	bool write;
	size_t len;
	struct stall *stall;
	volatile long ret;	/* -2 while inside the call */
	int err;
};
void start_stalled_copy(struct stalled_copy *sc);
long stalled_copy_wait(struct stalled_copy *sc);

/* Run a shell command (/bin/sh -c); returns its exit status or -1. */
int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
