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
	char buf[64], expect[16];
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
	diag("sync=%s", buf);
}
