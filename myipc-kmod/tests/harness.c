// SPDX-License-Identifier: GPL-2.0
/*
 * harness.c - TAP runner of the conformance suite and its helpers.
 *
 * Every case runs in a forked child that leads its own process group; the
 * runner is a child subreaper, so when a case ends (or times out) everything
 * it forked is killed and reaped before the next case starts. Output is TAP:
 * "1..N", "ok I - name", "not ok I - name # reason", "ok I - name # SKIP why",
 * diagnostics as "# ..." lines, and a last line
 * "conformance: P passed, F failed".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "harness.h"

struct target T;

struct tcase {
	const char *name;
	void (*fn)(void);
	int flags;
	int timeout_s;
};

/*
 * The same runner serves two binaries: the conformance suite (cases.def)
 * and the mmap suite (CASES_DEF=mmap_cases.def, SUITE_NAME=mmap).
 */
#ifndef CASES_DEF
#define CASES_DEF "cases.def"
#endif
#ifndef SUITE_NAME
#define SUITE_NAME "conformance"
#endif

#define CASE(name, flags, timeout) void t_##name(void);
#include CASES_DEF
#undef CASE

static const struct tcase cases[] = {
#define CASE(name, flags, timeout) { #name, t_##name, flags, timeout },
#include CASES_DEF
#undef CASE
};
#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

/* What a finished case left for the runner (shared with the child). */
struct outcome {
	char reason[400];
	bool module_dirty;	/* the case changed the module: put it back */
};
static struct outcome *outcome;

/* Copy a string, truncating to the destination's size. */
static void scopy(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = 0;
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---- outcome of a case ------------------------------------------------ */

void diag(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("#   %s\n", buf);
	fflush(stdout);
}

void fail_at(const char *file, int line, const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("#   %s:%d: %s\n", file, line, buf);
	fflush(stdout);
	if (outcome && !outcome->reason[0])
		snprintf(outcome->reason, sizeof(outcome->reason), "%s:%d: %.300s",
			 file, line, buf);
	_exit(1);
}

void skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(outcome->reason, sizeof(outcome->reason), fmt, ap);
	va_end(ap);
	fflush(stdout);
	_exit(77);
}

void module_set_dirty(bool dirty)
{
	outcome->module_dirty = dirty;
}

static int *signal_counter;

static void count_signal(int sig)
{
	(void)sig;
	if (signal_counter)
		__atomic_add_fetch(signal_counter, 1, __ATOMIC_SEQ_CST);
}

void catch_signal(int sig, bool restart, int *counter)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = count_signal;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	signal_counter = counter;
	SYS(sigaction(sig, &sa, NULL));
}

const char *errno_name(int err)
{
	static const struct { int e; const char *n; } names[] = {
		{ EAGAIN, "EAGAIN" }, { EINTR, "EINTR" }, { ENXIO, "ENXIO" },
		{ EPIPE, "EPIPE" }, { EFAULT, "EFAULT" }, { EINVAL, "EINVAL" },
		{ EBUSY, "EBUSY" }, { ENOTTY, "ENOTTY" }, { ESPIPE, "ESPIPE" },
		{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EBADF, "EBADF" }, { ENOMEM, "ENOMEM" }, { EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" }, { ENOSYS, "ENOSYS" }, { EIO, "EIO" },
	};
	static char other[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].n;
	snprintf(other, sizeof(other), "errno %d", err);
	return other;
}

/* ---- target ---------------------------------------------------------------- */

int topen_path(const char *path, int flags)
{
	return open(path, flags | O_CLOEXEC);
}

int topen(int flags)
{
	return topen_path(T.path, flags);
}

void set_nonblock(int fd, bool on)
{
	int fl = SYS(fcntl(fd, F_GETFL));

	SYS(fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK));
}

void open_pair(int *rfd, int *wfd)
{
	*rfd = SYS(topen(O_RDONLY | O_NONBLOCK));
	*wfd = SYS(topen(O_WRONLY));
	set_nonblock(*rfd, false);
}

long tcapacity(int fd)
{
	if (T.dev) {
		__u64 size = 0;

		SYS(ioctl(fd, MYIPC_IOC_GET_SIZE, &size));
		return (long)size;
	}
	return SYS(fcntl(fd, F_GETPIPE_SZ));
}

long tset_size(int fd, unsigned long size)
{
	long r;

	if (T.dev) {
		__u64 arg = size;

		r = ioctl(fd, MYIPC_IOC_SET_SIZE, &arg);
		return r == -1 ? -errno : (long)arg;
	}
	r = fcntl(fd, F_SETPIPE_SZ, (int)size);
	return r == -1 ? -errno : r;
}

int fionread(int fd)
{
	int n = -1;

	SYS(ioctl(fd, FIONREAD, &n));
	return n;
}

size_t fill_full(int wfd, uint64_t *offset)
{
	static uint8_t buf[PIPE_BUF];
	int fl = SYS(fcntl(wfd, F_GETFL));
	size_t total = 0, chunk = PIPE_BUF;
	uint64_t off = offset ? *offset : 0;

	SYS(fcntl(wfd, F_SETFL, fl | O_NONBLOCK));
	for (;;) {
		ssize_t n;

		pattern_fill(buf, off, chunk);
		n = write(wfd, buf, chunk);
		if (n > 0) {
			total += n;
			off += n;
			continue;
		}
		if (n == -1 && errno == EAGAIN) {
			if (chunk == 1)
				break;
			chunk = 1;
			continue;
		}
		fail("filling the channel: write returned %zd (%s)", n, strerror(errno));
	}
	SYS(fcntl(wfd, F_SETFL, fl));
	if (offset)
		*offset = off;
	return total;
}

void read_exact(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			fail("read: %s after %zu of %zu bytes", strerror(errno), got, n);
		if (r == 0)
			fail("unexpected end of file after %zu of %zu bytes", got, n);
		got += r;
	}
}

void write_all(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(fd, (const char *)buf + done, n - done);

		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			fail("write: %s after %zu of %zu bytes", strerror(errno), done, n);
		done += r;
	}
}

static uint8_t pattern_byte(uint64_t off)
{
	uint64_t x = off * 0x9E3779B97F4A7C15ull;

	return (uint8_t)(x >> 56) ^ (uint8_t)off;
}

void pattern_fill(uint8_t *buf, uint64_t off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = pattern_byte(off + i);
}

long pattern_check(const uint8_t *buf, uint64_t off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (buf[i] != pattern_byte(off + i))
			return (long)i;
	return -1;
}

/* ---- processes ----------------------------------------------------------- */

pid_t spawn(void (*fn)(void *arg), void *arg)
{
	pid_t pid;

	fflush(stdout);
	pid = SYS(fork());
	if (pid == 0) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	return pid;
}

bool has_exited(pid_t pid, int *status)
{
	int st;
	pid_t r = waitpid(pid, &st, WNOHANG);

	if (r == pid) {
		if (status)
			*status = st;
		return true;
	}
	return false;
}

int wait_status(pid_t pid, int timeout_ms)
{
	double end = now() + timeout_ms / 1000.0;
	int st;

	while (now() < end) {
		if (has_exited(pid, &st))
			return st;
		msleep(2);
	}
	fail("process %d did not finish within %d ms", pid, timeout_ms);
}

void expect_exit0(pid_t pid, int timeout_ms, const char *what)
{
	int st = wait_status(pid, timeout_ms);

	if (WIFSIGNALED(st))
		fail("%s: killed by signal %d (%s)", what, WTERMSIG(st), strsignal(WTERMSIG(st)));
	if (WEXITSTATUS(st) != 0)
		fail("%s: exited with status %d", what, WEXITSTATUS(st));
}

static int proc_state(pid_t pid, char *state, long *sysnr)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	*state = p[2];
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	*sysnr = strtol(buf, NULL, 10);
	if (buf[0] == 'r')	/* "running" */
		*sysnr = -2;
	return 0;
}

bool is_blocked(pid_t pid, long nr)
{
	char state;
	long sysnr;

	if (proc_state(pid, &state, &sysnr) < 0)
		return false;
	return state == 'S' && sysnr == nr;
}

void wait_blocked(pid_t pid, long nr)
{
	double end = now() + 10;
	char state = '?';
	long sysnr = -3;

	while (now() < end) {
		int st;

		if (proc_state(pid, &state, &sysnr) == 0 && state == 'S' && sysnr == nr) {
			/* Still there a moment later: really asleep in the call. */
			msleep(20);
			if (is_blocked(pid, nr))
				return;
		}
		if (has_exited(pid, &st))
			fail("process %d was expected to block in system call %ld but finished (%s %d)",
			     pid, nr, WIFSIGNALED(st) ? "signal" : "status",
			     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		msleep(5);
	}
	fail("process %d did not block in system call %ld within 10 s (state %c, syscall %ld)",
	     pid, nr, state, sysnr);
}

long voluntary_switches(pid_t pid)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\nvoluntary_ctxt_switches:");
	return p ? strtol(p + 25, NULL, 10) : -1;
}

void stall_page(struct stall *s)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	long psz = sysconf(_SC_PAGESIZE);

	s->uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC);
	if (s->uffd < 0)
		skip("userfaultfd: %s (needs CONFIG_USERFAULTFD and root)", strerror(errno));
	SYS(ioctl(s->uffd, UFFDIO_API, &api));
	s->page = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->page == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	reg.range.start = (unsigned long)s->page;
	reg.range.len = psz;
	SYS(ioctl(s->uffd, UFFDIO_REGISTER, &reg));
}

void stall_release(struct stall *s)
{
	struct uffdio_zeropage zp = { .range = { (unsigned long)s->page,
						 sysconf(_SC_PAGESIZE) } };

	/* EEXIST: the page is there already (the fault was never taken) */
	if (ioctl(s->uffd, UFFDIO_ZEROPAGE, &zp) == -1 && errno != EEXIST)
		fail("UFFDIO_ZEROPAGE: %s", strerror(errno));
}

static void *stalled_copy_run(void *arg)
{
	struct stalled_copy *sc = arg;
	long r;

	r = sc->write ? write(sc->fd, sc->stall->page, sc->len) :
			read(sc->fd, sc->stall->page, sc->len);
	sc->err = errno;
	sc->ret = r;
	return NULL;
}

void start_stalled_copy(struct stalled_copy *sc)
{
	pthread_t t;
	int err;

	sc->ret = -2;
	err = pthread_create(&t, NULL, stalled_copy_run, sc);
	if (err)
		fail("pthread_create: %s", strerror(err));
	pthread_detach(t);
	msleep(300);
	CHECK(sc->ret == -2, "the %s did not stall (returned %ld)",
	      sc->write ? "write" : "read", sc->ret);
}

long stalled_copy_wait(struct stalled_copy *sc)
{
	double end = now() + 10;

	while (sc->ret == -2 && now() < end)
		msleep(10);
	return sc->ret;
}

void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("mmap(%zu): %s", size, strerror(errno));
	return p;
}

int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

long long read_ll(const char *path)
{
	char buf[128];

	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtoll(buf, NULL, 0);
}

struct myipc_stats get_stats(int fd)
{
	struct myipc_stats st;

	memset(&st, 0xa5, sizeof(st));
	SYS(ioctl(fd, MYIPC_IOC_GET_STATS, &st));
	return st;
}

long long sysfs_counter(const char *name)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/%s", T.stats_dir, name);
	return read_ll(path);
}

int shell(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* ---- runner ------------------------------------------------------------------ */

static void show_blocked(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[300], buf[256], wchan[64] = "?", sc[64] = "?";
		pid_t pid = atoi(e->d_name);

		if (pid <= 0 || getpgid(pid) != pgid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
		if (read_file(path, buf, sizeof(buf)) >= 0)
			scopy(wchan, sizeof(wchan), buf);
		snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
		if (read_file(path, buf, sizeof(buf)) >= 0) {
			buf[strcspn(buf, " \n")] = 0;
			scopy(sc, sizeof(sc), buf);
		}
		printf("#   process %d is in system call %s, waiting in %s\n", pid, sc, wchan);
	}
	closedir(d);
}

/* Kill what the case left behind and reap it (we are a subreaper). */
static void reap_group(pid_t pgid)
{
	double end = now() + 10;

	kill(-pgid, SIGKILL);
	while (now() < end) {
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r == -1 && errno == ECHILD)
			return;
		if (r <= 0)
			msleep(2);
	}
	printf("#   warning: processes of the case did not go away within 10 s\n");
}

static bool prepare_fifo(void)
{
	unlink(T.path);
	unlink(T.path2);
	if (mkfifo(T.path, 0600) || mkfifo(T.path2, 0600)) {
		printf("# mkfifo in %s: %s\n", T.tmpdir, strerror(errno));
		return false;
	}
	return true;
}

enum result { PASS, FAIL, SKIP };

/* --skip-any-sync: leave out the ANY_SYNC cases (they ran in another sync mode) */
static bool skip_any_sync;

static enum result run_case(const struct tcase *c, int nr, double scale)
{
	int timeout = (int)(c->timeout_s * scale + 0.5);
	double start = now(), end = start + timeout, t;
	pid_t pid;
	int st = 0;
	bool done = false;
	enum result res;

	memset(outcome, 0, sizeof(*outcome));
	if (!T.dev && (c->flags & DEV_ONLY)) {
		printf("ok %d - %s # SKIP needs the myipc driver\n", nr, c->name);
		return SKIP;
	}
	if (skip_any_sync && (c->flags & ANY_SYNC)) {
		printf("ok %d - %s # SKIP the same driver code in every sync mode: run in another mode\n",
		       nr, c->name);
		return SKIP;
	}
	if (!T.dev && !prepare_fifo()) {
		printf("not ok %d - %s # cannot create the FIFO\n", nr, c->name);
		return FAIL;
	}
	fflush(stdout);
	pid = fork();
	if (pid == -1) {
		printf("not ok %d - %s # fork: %s\n", nr, c->name, strerror(errno));
		return FAIL;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		alarm(0);
		c->fn();
		fflush(stdout);
		_exit(0);
	}
	setpgid(pid, pid);
	while (!done && now() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			done = true;
		else
			msleep(2);
	}
	if (!done) {
		show_blocked(pid);
		snprintf(outcome->reason, sizeof(outcome->reason),
			 "timed out after %d s", timeout);
		reap_group(pid);
		res = FAIL;
	} else {
		reap_group(pid);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			res = PASS;
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
			res = SKIP;
		} else {
			res = FAIL;
			if (!outcome->reason[0] && WIFSIGNALED(st))
				snprintf(outcome->reason, sizeof(outcome->reason),
					 "killed by signal %d (%s)", WTERMSIG(st),
					 strsignal(WTERMSIG(st)));
			else if (!outcome->reason[0])
				snprintf(outcome->reason, sizeof(outcome->reason),
					 "exited with status %d", WEXITSTATUS(st));
		}
	}
	if (T.dev && (c->flags & NEEDS_KO) && (outcome->module_dirty || !module_loaded())) {
		int rc = module_restore(outcome->module_dirty);

		printf("#   restoring the module with MYIPC_PARAMS='%s': %s\n",
		       getenv("MYIPC_PARAMS") ? getenv("MYIPC_PARAMS") : "",
		       rc ? strerror(-rc) : "ok");
	}
	t = now() - start;
	if (!T.dev) {
		unlink(T.path);
		unlink(T.path2);
	}
	switch (res) {
	case PASS:
		printf("ok %d - %s\n", nr, c->name);
		break;
	case SKIP:
		printf("ok %d - %s # SKIP %s\n", nr, c->name, outcome->reason);
		break;
	case FAIL:
		printf("not ok %d - %s # %s\n", nr, c->name, outcome->reason);
		break;
	}
	if (t >= 1.0)
		printf("#   %s took %.1f s\n", c->name, t);
	fflush(stdout);
	return res;
}

/* Is name one of the comma-separated names in list? */
static bool selected(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	if (!list)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == 0))
			return true;
		p += len;
	}
	return false;
}

static void setup_device(const char *path)
{
	char buf[300];
	const char *base = strrchr(path, '/');
	size_t len;
	int idx;
	struct stat st;

	base = base ? base + 1 : path;
	snprintf(T.path, sizeof(T.path), "%s", path);
	snprintf(T.name, sizeof(T.name), "%s", base);
	snprintf(T.sysfs, sizeof(T.sysfs), "/sys/class/myipc/%s", T.name);
	snprintf(T.stats_dir, sizeof(T.stats_dir), "%s/stats", T.sysfs);
	if (stat(T.stats_dir, &st) || !S_ISDIR(st.st_mode))
		snprintf(T.stats_dir, sizeof(T.stats_dir), "%s", T.sysfs);
	/* A second channel: the next (or previous) device number. */
	len = strcspn(path, "0123456789");
	idx = atoi(path + len);
	snprintf(buf, sizeof(buf), "%.*s%d", (int)len, path, idx + 1);
	if (access(buf, F_OK) && idx > 0)
		snprintf(buf, sizeof(buf), "%.*s%d", (int)len, path, idx - 1);
	if (!access(buf, F_OK))
		scopy(T.path2, sizeof(T.path2), buf);
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s --fifo | --dev /dev/myipcN [--only NAME[,NAME...]] [--list]\n"
		"          [--timeout-scale X] [--skip-any-sync]\n"
		"  --fifo   run against a Linux FIFO (mkfifo): the reference behaviour\n"
		"  --dev    run against the myipc driver (module loaded; MYIPC_KO and\n"
		"           MYIPC_PARAMS in the environment enable the reload cases)\n"
		"  --skip-any-sync  skip the cases that run the same driver code in\n"
		"           either sync mode (listed with \"any sync\"), e.g. after a\n"
		"           run in the other mode\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fifo", no_argument, NULL, 'f' },
		{ "dev", required_argument, NULL, 'd' },
		{ "only", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ "timeout-scale", required_argument, NULL, 's' },
		{ "skip-any-sync", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *only = NULL, *dev = NULL;
	bool fifo = false, list = false;
	double scale = 1.0, start;
	int c, pass = 0, failed = 0, skipped = 0, nr = 0;
	size_t i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fifo = true; break;
		case 'd': dev = optarg; break;
		case 'o': only = optarg; break;
		case 'l': list = true; break;
		case 's': scale = atof(optarg); break;
		case 'a': skip_any_sync = true; break;
		default: usage(argv[0]);
		}
	}
	if (list) {
		for (i = 0; i < NR_CASES; i++)
			printf("%s%s%s\n", cases[i].name,
			       cases[i].flags & DEV_ONLY ? " (device only)" : "",
			       cases[i].flags & ANY_SYNC ? " (any sync)" : "");
		return 0;
	}
	if (fifo == !!dev || optind != argc)
		usage(argv[0]);
	if (scale <= 0)
		scale = 1.0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	outcome = mmap(NULL, sizeof(*outcome), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (outcome == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	snprintf(T.tmpdir, sizeof(T.tmpdir), "/tmp/myipc-" SUITE_NAME ".XXXXXX");
	if (!mkdtemp(T.tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(T.tmpdir, 0711);	/* the unprivileged case must reach the FIFO */
	if (dev) {
		T.dev = true;
		setup_device(dev);
		if (access(T.path, F_OK)) {
			fprintf(stderr, "%s does not exist: is myipc.ko loaded?\n", T.path);
			return 1;
		}
	} else {
		snprintf(T.path, sizeof(T.path), "%s/fifo", T.tmpdir);
		snprintf(T.path2, sizeof(T.path2), "%s/fifo2", T.tmpdir);
	}

	for (i = 0; i < NR_CASES; i++)
		if (selected(only, cases[i].name))
			nr++;
	printf("TAP version 13\n1..%d\n", nr);
	printf("# target: %s (%s)\n", T.path, T.dev ? "myipc driver" : "Linux FIFO");
	start = now();
	nr = 0;
	for (i = 0; i < NR_CASES; i++) {
		if (!selected(only, cases[i].name))
			continue;
		switch (run_case(&cases[i], ++nr, scale)) {
		case PASS: pass++; break;
		case FAIL: failed++; break;
		case SKIP: skipped++; break;
		}
	}
	rmdir(T.tmpdir);
	printf("# %d skipped, %.1f s\n", skipped, now() - start);
	printf(SUITE_NAME ": %d passed, %d failed\n", pass, failed);
	return failed ? 1 : 0;
}
