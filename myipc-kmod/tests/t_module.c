// SPDX-License-Identifier: GPL-2.0
/*
 * t_module.c - the device nodes and sysfs class, rmmod while open, unload
 * and reload without a trace, and module parameters (bad ones refused with
 * a kernel log message, good ones applied). The reload cases need MYIPC_KO
 * (the path of myipc.ko) and put the module back with MYIPC_PARAMS.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "harness.h"

#define MODNAME "myipc"

static long long param(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/" MODNAME "/parameters/%s", name);
	return read_ll(path);
}

void t_sysfs_class_lists_devices(void)
{
	long long nr = param("nr_devs"), mode = param("dev_mode");
	char path[300], buf[64];
	struct stat st;
	int i, maj, min;

	CHECK(nr >= 1 && nr <= MYIPC_MAX_DEVS, "nr_devs parameter reads %lld", nr);
	for (i = 0; i < nr + 1; i++) {
		snprintf(path, sizeof(path), MYIPC_DEV_PREFIX "%d", i);
		if (i == nr) {
			CHECK(access(path, F_OK) == -1, "%s exists beyond nr_devs=%lld", path, nr);
			snprintf(path, sizeof(path), "/sys/class/myipc/myipc%d", i);
			CHECK(access(path, F_OK) == -1, "%s exists beyond nr_devs=%lld", path, nr);
			break;
		}
		SYS(stat(path, &st));
		CHECK(S_ISCHR(st.st_mode), "%s is not a character device", path);
		if (mode >= 0)
			CHECK((st.st_mode & 07777) == mode, "%s has mode %04o, dev_mode is %04llo",
			      path, st.st_mode & 07777, mode);
		snprintf(path, sizeof(path), "/sys/class/myipc/myipc%d/dev", i);
		CHECK(read_file(path, buf, sizeof(buf)) > 0, "%s is missing", path);
		CHECK(sscanf(buf, "%d:%d", &maj, &min) == 2, "%s reads '%s'", path, buf);
		CHECK((unsigned int)maj == major(st.st_rdev) && (unsigned int)min == minor(st.st_rdev),
		      "sysfs says %d:%d, the node is %u:%u", maj, min, major(st.st_rdev),
		      minor(st.st_rdev));
	}
}

/* ---- module loading --------------------------------------------------------------- */

bool module_loaded(void)
{
	return access("/sys/module/" MODNAME, F_OK) == 0;
}

int module_unload(void)
{
	int i;

	if (syscall(SYS_delete_module, MODNAME, O_NONBLOCK) == -1)
		return -errno;
	/* The nodes go synchronously with the devices; give udev-less devtmpfs a moment. */
	for (i = 0; i < 200 && module_loaded(); i++)
		msleep(5);
	return 0;
}

int module_load(const char *params)
{
	const char *ko = getenv("MYIPC_KO");
	int fd, rc, i;

	if (!ko || !*ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, params ? params : "", 0);
	rc = rc == -1 ? -errno : 0;
	close(fd);
	for (i = 0; rc == 0 && i < 200 && access(T.path, F_OK); i++)
		msleep(5);
	return rc;
}

int module_restore(bool dirty)
{
	const char *params = getenv("MYIPC_PARAMS");
	int rc;

	if (module_loaded() && !dirty)
		return 0;
	if (module_loaded()) {
		rc = module_unload();
		if (rc)
			return rc;
	}
	return module_load(params);
}

static void need_ko(void)
{
	const char *ko = getenv("MYIPC_KO");

	if (!ko || !*ko)
		skip("MYIPC_KO is not set (run through tools/vm/vm with a module)");
	if (getuid() != 0)
		skip("needs root");
}

static void unload_or_fail(void)
{
	int rc = module_unload();

	CHECK(rc == 0, "unloading %s with nothing open failed: %s", MODNAME, strerror(-rc));
}

static void load_or_fail(const char *params)
{
	int rc = module_load(params);

	CHECK(rc == 0, "insmod %s %s failed: %s", getenv("MYIPC_KO"), params, strerror(-rc));
}

void t_rmmod_while_open_fails(void)
{
	int fd, rc;
	char c;

	need_ko();
	fd = SYS(topen(O_RDWR));
	rc = module_unload();
	if (rc == 0) {
		module_set_dirty(true);
		fail("the module unloaded while %s was open", T.path);
	}
	CHECK(rc == -EWOULDBLOCK || rc == -EBUSY, "delete_module failed with %s, expected EBUSY/EWOULDBLOCK",
	      strerror(-rc));
	/* The open device still works. */
	CHECK_EQ(write(fd, "k", 1), 1);
	CHECK_EQ(read(fd, &c, 1), 1);
	close(fd);
}

static bool dir_has(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)))
			found = true;
	closedir(d);
	return found;
}

void t_unload_leaves_no_trace_and_reload(void)
{
	char buf[8192];
	int fd;

	need_ko();
	module_set_dirty(true);
	unload_or_fail();
	CHECK(!module_loaded(), "/sys/module/" MODNAME " is still there");
	CHECK(!dir_has("/dev", "myipc"), "a /dev/myipc* node is left after unload");
	CHECK(access("/sys/class/myipc", F_OK) == -1, "/sys/class/myipc is left after unload");
	CHECK(read_file("/proc/devices", buf, sizeof(buf)) > 0, "cannot read /proc/devices");
	CHECK(!strstr(buf, " myipc\n"), "the char major is still registered:\n%s", buf);
	load_or_fail(getenv("MYIPC_PARAMS"));
	module_set_dirty(false);
	CHECK(access(T.path, F_OK) == 0, "%s did not come back after reload", T.path);
	fd = SYS(topen(O_RDWR));
	CHECK_EQ(write(fd, "again", 5), 5);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 5);
	close(fd);
}

/* Bytes appended to the kernel log since kmsg_open(), as text. */
static int kmsg_open(void)
{
	int fd = SYS(open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC));

	SYS(lseek(fd, 0, SEEK_END));
	return fd;
}

static bool kmsg_mentions(int fd, const char *word, char *last, size_t size)
{
	char rec[2048];
	bool found = false;
	ssize_t n;

	last[0] = 0;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n == -1 && errno == EPIPE)) {
		char *text;

		if (n <= 0)
			continue;
		rec[n] = 0;
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		text[strcspn(text, "\n")] = 0;
		if (strstr(text, word)) {
			found = true;
			snprintf(last, size, "%.500s", text);
		}
	}
	return found;
}

void t_module_params_invalid_refused(void)
{
	static const char *const bad[] = {
		"nr_devs=0", "nr_devs=65", "nr_devs=-1", "nr_devs=abc",
		"buf_size=33554432", "buf_size=4294967296", "sync=lockless",
	};
	char msg[600];
	size_t i;

	need_ko();
	module_set_dirty(true);
	unload_or_fail();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int k = kmsg_open();
		int rc = module_load(bad[i]);

		if (rc == 0) {
			module_unload();
			fail("insmod with %s loaded; it must be refused", bad[i]);
		}
		CHECK(!module_loaded(), "the module is loaded after a refused %s", bad[i]);
		CHECK(kmsg_mentions(k, MODNAME, msg, sizeof(msg)),
		      "insmod %s failed (%s) without a kernel log message naming " MODNAME,
		      bad[i], strerror(-rc));
		diag("%s: %s; log: %s", bad[i], strerror(-rc), msg);
		close(k);
	}
	load_or_fail(getenv("MYIPC_PARAMS"));
	module_set_dirty(false);
}

static void child_nobody_open(void *arg)
{
	const char *path = arg;
	int fd;

	SYS(setgroups(0, NULL));
	SYS(setgid(65534));
	SYS(setuid(65534));
	fd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(fd >= 0, "uid 65534 cannot open %s with dev_mode=0666: %s", path, strerror(errno));
}

void t_module_params_applied(void)
{
	struct stat st;
	long cap;
	int fd;

	need_ko();
	module_set_dirty(true);
	unload_or_fail();

	load_or_fail("nr_devs=2 buf_size=5000 dev_mode=0666");
	CHECK(access(MYIPC_DEV_PREFIX "0", F_OK) == 0, "/dev/myipc0 missing with nr_devs=2");
	CHECK(access(MYIPC_DEV_PREFIX "1", F_OK) == 0, "/dev/myipc1 missing with nr_devs=2");
	CHECK(access(MYIPC_DEV_PREFIX "2", F_OK) == -1, "/dev/myipc2 exists with nr_devs=2");
	SYS(stat(MYIPC_DEV_PREFIX "1", &st));
	CHECK((st.st_mode & 07777) == 0666, "dev_mode=0666 gave a node with mode %04o",
	      st.st_mode & 07777);
	fd = SYS(open(MYIPC_DEV_PREFIX "1", O_RDONLY | O_NONBLOCK));
	cap = tcapacity(fd);
	CHECK(cap == 8192, "buf_size=5000 gave capacity %ld, expected 8192 (next power of two)", cap);
	close(fd);
	expect_exit0(spawn(child_nobody_open, MYIPC_DEV_PREFIX "1"), 5000, "the unprivileged opener");
	unload_or_fail();

	load_or_fail("nr_devs=64 buf_size=100");
	CHECK(access(MYIPC_DEV_PREFIX "63", F_OK) == 0, "/dev/myipc63 missing with nr_devs=64");
	CHECK(access(MYIPC_DEV_PREFIX "64", F_OK) == -1, "/dev/myipc64 exists with nr_devs=64");
	SYS(stat(MYIPC_DEV_PREFIX "63", &st));
	CHECK((st.st_mode & 07777) == 0600, "default dev_mode gave mode %04o, expected 0600",
	      st.st_mode & 07777);
	fd = SYS(open(MYIPC_DEV_PREFIX "63", O_RDONLY | O_NONBLOCK));
	cap = tcapacity(fd);
	CHECK(cap == 4096, "buf_size=100 gave capacity %ld, expected the page size 4096", cap);
	close(fd);
	unload_or_fail();

	load_or_fail("buf_size=16777216");
	fd = SYS(open(MYIPC_DEV_PREFIX "0", O_RDONLY | O_NONBLOCK));
	CHECK_EQ(tcapacity(fd), 16 << 20);
	close(fd);
	unload_or_fail();

	load_or_fail(getenv("MYIPC_PARAMS"));
	module_set_dirty(false);
}

/*
 * The sync mode the module runs in is the one asked for (MYIPC_PARAMS's
 * sync=, else the default spsc), visible in sysfs, and named in the log.
 */
void t_module_sync_mode_reported(void)
{
	const char *params = getenv("MYIPC_PARAMS");
	const char *want = "spsc", *p;
	char buf[64], expect[16], path[340];
	int n;

	if (params && (p = strstr(params, "sync="))) {
		n = (int)strcspn(p + 5, " ");
		snprintf(expect, sizeof(expect), "%.*s", n, p + 5);
		want = expect;
	}
	CHECK(read_file("/sys/module/myipc/parameters/sync", buf, sizeof(buf)) >= 0,
	      "/sys/module/myipc/parameters/sync: %s", strerror(errno));
	buf[strcspn(buf, "\n")] = 0;
	CHECK(!strcmp(buf, want), "sync is '%s', expected '%s'", buf, want);
	/* the devices start in that mode */
	snprintf(path, sizeof(path), "%s/sync", T.sysfs);
	CHECK(read_file(path, buf, sizeof(buf)) >= 0, "%s: %s", path,
	      strerror(errno));
	buf[strcspn(buf, "\n")] = 0;
	CHECK(!strcmp(buf, want), "%s is '%s', expected '%s'", path, buf, want);
	diag("sync=%s", buf);
}

/* ---- per-device sync mode: /sys/class/myipc/myipcN/sync ---- */

/* The sync file of the device at @dev (a /dev/myipcN path). */
static void sync_path(const char *dev, char *out, size_t size)
{
	const char *base = strrchr(dev, '/');

	snprintf(out, size, "/sys/class/myipc/%s/sync", base ? base + 1 : dev);
}

/* Read a sync file: "spsc" or "mutex" (newline removed). */
static void sync_get(const char *path, char *buf, size_t size)
{
	CHECK(read_file(path, buf, size) >= 0, "%s: %s", path, strerror(errno));
	buf[strcspn(buf, "\n")] = 0;
}

/* Write @word (as echo does, with a newline) to a sync file: 0 or errno. */
static int sync_put(const char *path, const char *word)
{
	char line[32];
	int fd = open(path, O_WRONLY), e = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	snprintf(line, sizeof(line), "%s\n", word);
	n = write(fd, line, strlen(line));
	if (n < 0)
		e = errno;
	else if ((size_t)n != strlen(line))
		e = EIO;
	close(fd);
	return e;
}

static const char *other_mode(const char *mode)
{
	return strcmp(mode, "spsc") ? "spsc" : "mutex";
}

struct sync_check {
	char path[300];		/* this device's sync file */
	char path2[300];	/* the second device's */
	char mode[16];		/* the mode this device was switched to */
	char mode2[16];		/* the second device's mode, unchanged */
};

/*
 * In the switched mode: the file says so, the other device keeps its
 * mode, and a blocking stream (1 MiB, random sizes, reader and writer
 * sleeping on each other) arrives intact.
 */
static void sync_switched_checks(void *arg)
{
	struct sync_check *sc = arg;
	uint8_t buf[8192], got[8192];
	uint64_t off = 0, total = 1 << 20;
	char now[32];
	int rfd, wfd;
	pid_t w;

	sync_get(sc->path, now, sizeof(now));
	CHECK(!strcmp(now, sc->mode), "%s reads '%s' after writing '%s'",
	      sc->path, now, sc->mode);
	sync_get(sc->path2, now, sizeof(now));
	CHECK(!strcmp(now, sc->mode2), "%s changed to '%s' (was '%s')",
	      sc->path2, now, sc->mode2);
	open_pair(&rfd, &wfd);
	w = SYS(fork());
	if (w == 0) {
		close(rfd);
		while (off < total) {
			size_t n = 1 + (off * 7919 + 13) % sizeof(buf);

			if (n > total - off)
				n = total - off;
			pattern_fill(buf, off, n);
			write_all(wfd, buf, n);
			off += n;
		}
		_exit(0);
	}
	close(wfd);
	while (off < total) {
		ssize_t n = read(rfd, got, sizeof(got));

		CHECK(n > 0, "read after %llu bytes: %zd (%s)",
		      (unsigned long long)off, n, n < 0 ? strerror(errno) : "EOF");
		CHECK(pattern_check(got, off, n) < 0, "wrong byte near %llu in sync=%s",
		      (unsigned long long)off, sc->mode);
		off += n;
	}
	close(rfd);
	expect_exit0(w, 60000, "the writer");
}

/*
 * Root switches one device to the other mode and back while it is closed;
 * the second device keeps its mode; data flows in the switched mode.
 */
void t_sysfs_sync_set_get(void)
{
	struct sync_check *sc = shared_alloc(sizeof(*sc));
	char orig[32];
	pid_t c;
	int st, e;

	if (!T.path2[0])
		skip("needs a second device");
	sync_path(T.path, sc->path, sizeof(sc->path));
	sync_path(T.path2, sc->path2, sizeof(sc->path2));
	sync_get(sc->path, orig, sizeof(orig));
	sync_get(sc->path2, sc->mode2, sizeof(sc->mode2));
	CHECK(!strcmp(orig, "spsc") || !strcmp(orig, "mutex"),
	      "%s reads '%s'", sc->path, orig);
	snprintf(sc->mode, sizeof(sc->mode), "%s", other_mode(orig));
	e = sync_put(sc->path, sc->mode);
	CHECK(!e, "writing '%s' to %s: %s", sc->mode, sc->path, strerror(e));
	/* the checks in a child, so the mode is put back whatever happens */
	c = spawn(sync_switched_checks, sc);
	st = wait_status(c, 120000);
	e = sync_put(sc->path, orig);
	CHECK(!e, "writing '%s' back to %s: %s", orig, sc->path, strerror(e));
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st),
	      "the checks in sync=%s failed (see above)", sc->mode);
	sync_get(sc->path, sc->mode, sizeof(sc->mode));
	CHECK(!strcmp(sc->mode, orig), "%s reads '%s' after writing '%s' back",
	      sc->path, sc->mode, orig);
	diag("%s: %s -> %s -> %s", sc->path, orig, other_mode(orig), orig);
}

/* While any end is open (a blocked open too): EBUSY; after the close: fine. */
void t_sysfs_sync_ebusy_while_open(void)
{
	char path[300], orig[32];
	int fd, e;
	pid_t c;

	sync_path(T.path, path, sizeof(path));
	sync_get(path, orig, sizeof(orig));
	fd = SYS(topen(O_RDWR));
	e = sync_put(path, other_mode(orig));
	close(fd);
	if (!e)
		sync_put(path, orig);
	CHECK(e == EBUSY, "switching with an O_RDWR end open: %s, expected EBUSY",
	      e ? strerror(e) : "it worked");
	/* a reader blocked in open(2) waiting for a writer counts as open */
	c = SYS(fork());
	if (c == 0) {
		fd = topen(O_RDONLY);
		_exit(fd < 0 ? 1 : 0);
	}
	wait_blocked(c, SYS_openat);
	e = sync_put(path, other_mode(orig));
	if (!e)
		sync_put(path, orig);
	fd = SYS(topen(O_WRONLY | O_NONBLOCK));	/* lets the reader go */
	expect_exit0(c, 10000, "the blocked reader");
	close(fd);
	CHECK(e == EBUSY, "switching with an open(2) blocked: %s, expected EBUSY",
	      e ? strerror(e) : "it worked");
	/* closed again: the same word is accepted (no change) */
	e = sync_put(path, orig);
	CHECK(!e, "writing '%s' with every end closed: %s", orig, strerror(e));
}

/* Anything but "spsc" or "mutex": EINVAL, and the mode stays. */
void t_sysfs_sync_einval_bad_word(void)
{
	const char *bad[] = { "lockless", "", "spsc mutex", "SPSC", "mutex2" };
	char path[300], orig[32], now[32];
	unsigned int i;
	int e;

	sync_path(T.path, path, sizeof(path));
	sync_get(path, orig, sizeof(orig));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = sync_put(path, bad[i]);
		CHECK(e == EINVAL, "writing '%s': %s, expected EINVAL", bad[i],
		      e ? strerror(e) : "accepted");
		sync_get(path, now, sizeof(now));
		CHECK(!strcmp(now, orig), "after '%s' the mode is '%s', was '%s'",
		      bad[i], now, orig);
	}
}
