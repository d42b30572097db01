// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's copy transports (kmod-spsc, kmod-mutex, kmod-1m):
 * write(2) -> read(2) on /dev/myipcN, each side opening the device for its
 * role, and the switching of the driver's sync mode they measure.
 */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "myipc.h"

/* ---- the driver's sync mode (kmod-spsc / kmod-mutex) ------------------ */

#define NOTE_LEN 160

/* what set_sync found, per transport: it qualifies every record of the row */
static struct {
	const struct transport *t;
	char note[NOTE_LEN];
} notes[32];

static char *note_of(const struct transport *t)
{
	static char none[NOTE_LEN];
	int i;

	for (i = 0; i < 32 && notes[i].t && notes[i].t != t; i++)
		;
	if (i == 32)
		return none;
	notes[i].t = t;
	return notes[i].note;
}

/*
 * The sync mode set for the row; the instruction-counting VM serialises the
 * vCPUs, so the modes' contention is not real there.
 */
static void dev_note(const struct transport *t, int wait, char *buf, size_t len)
{
	const char *vm = env_vm_mode();

	note_spin_yield(buf, len, wait);
	for (int i = 0; i < 32 && notes[i].t; i++)
		if (notes[i].t == t)
			note_cat(buf, len, notes[i].note);
	if (vm && !strcmp(vm, "icount") && t->sync)
		note_cat(buf, len, "not meaningful under icount: sync-mode contention (the vCPUs run one at a time)");
}

static int read_word(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, " \n")] = 0;
	return 0;
}

/*
 * Put the devices into the sync mode the transport wants. Preferred: the
 * per-device attribute /sys/class/myipc/myipcN/sync (root, device closed),
 * so both modes are measured in one run. Without it (an older driver) the
 * module parameter decides: the transport runs when it matches, and is
 * skipped with the reason otherwise.
 */
static int set_sync(const struct transport *t, char *why, size_t len)
{
	char *note = note_of(t), path[160], cur[32], mod[32];
	int have_attr = 0;

	note[0] = 0;
	if (!t->sync)
		return 1;
	for (int i = 0; i < opt->ndevs; i++) {
		const char *base = strrchr(opt->devs[i], '/');

		snprintf(path, sizeof(path), "/sys/class/myipc/%s/sync", base ? base + 1 : opt->devs[i]);
		if (read_word(path, cur, sizeof(cur))) {
			if (errno == ENOENT)
				continue;
			snprintf(why, len, "cannot read %s: %s", path, strerror(errno));
			return 0;
		}
		have_attr++;
		if (strcmp(cur, t->sync)) {
			int fd = open(path, O_WRONLY);
			ssize_t k = fd < 0 ? -1 : write(fd, t->sync, strlen(t->sync));
			int e = errno;

			if (fd >= 0)
				close(fd);
			if (k < 0) {
				snprintf(why, len, "cannot set %s to %s: %s%s", path, t->sync, strerror(e),
					 e == EACCES || e == EPERM ? " (needs root)" :
					 e == EBUSY ? " (the device is open elsewhere)" : "");
				return 0;
			}
			if (read_word(path, cur, sizeof(cur)) || strcmp(cur, t->sync)) {
				snprintf(why, len, "%s still reads '%s' after writing '%s'", path, cur, t->sync);
				return 0;
			}
		}
	}
	if (have_attr == opt->ndevs) {
		snprintf(note, NOTE_LEN, "driver sync=%s set per device (/sys/class/myipc/myipcN/sync)", t->sync);
		return 1;
	}
	if (have_attr) {
		snprintf(why, len, "only some of the devices have /sys/class/myipc/myipcN/sync");
		return 0;
	}
	if (read_word("/sys/module/myipc/parameters/sync", mod, sizeof(mod))) {
		snprintf(why, len, "cannot tell the driver's sync mode: no /sys/class/myipc/myipcN/sync and no /sys/module/myipc/parameters/sync (%s)",
			 strerror(errno));
		return 0;
	}
	if (strcmp(mod, t->sync)) {
		snprintf(why, len, "needs sync=%s, but the module was loaded with sync=%s and this driver has no per-device /sys/class/myipc/myipcN/sync: reload it with sync=%s (tools/vm/vm run --params sync=%s ...)",
			 t->sync, mod, t->sync, t->sync);
		return 0;
	}
	snprintf(note, NOTE_LEN, "driver sync=%s from the module parameter (no per-device attribute in this driver)", mod);
	return 1;
}

/*
 * Whether the devices are there; for the driver's copy transports it also
 * switches them to the sync mode wanted (see set_sync). The mapped ring
 * (t_ring.c) asks the same.
 */
int dev_available(const struct transport *t, char *why, size_t len)
{
	if (opt->ndevs == 0) {
		snprintf(why, len, "no device given: load the driver (tools/vm/vm run ...) and pass --dev /dev/myipc0[,/dev/myipc1]");
		return 0;
	}
	for (int i = 0; i < opt->ndevs; i++) {
		struct stat st;

		if (stat(opt->devs[i], &st) || !S_ISCHR(st.st_mode)) {
			snprintf(why, len, "%s is not there (or not a character device): load myipc.ko, e.g. inside tools/vm/vm run --kernel 6.1 -- ...",
				 opt->devs[i]);
			return 0;
		}
	}
	return set_sync(t, why, len);
}

/* opened by each side in dev_end: the reader sizes the ring */
static int dev_create(struct chan *c, size_t maxmsg, char *err, size_t elen)
{
	(void)maxmsg;
	(void)err;
	(void)elen;
	c->capacity = (long)c->t->size;
	return 0;
}

static int dev_end(struct chan *c, int end, char *err, size_t elen)
{
	__u64 sz = c->t->size;

	c->fd[end] = open(c->path, end == END_R ? O_RDONLY : O_WRONLY);
	if (c->fd[end] < 0) {
		snprintf(err, elen, "open %s: %s", c->path, strerror(errno));
		return -1;
	}
	if (end == END_W)
		return fd_writer_buf(c, err, elen);
	if (ioctl(c->fd[end], MYIPC_IOC_SET_SIZE, &sz)) {
		snprintf(err, elen, "MYIPC_IOC_SET_SIZE %zu on %s: %s",
			 c->t->size, c->path, strerror(errno));
		return -1;
	}
	c->capacity = (long)sz;
	return fd_reader_setup(c, err, elen);
}

const struct transport_ops dev_ops = {
	.ndevs = 1,
	.available = dev_available,
	.note = dev_note,
	.create = dev_create,
	.end = dev_end,
	.wbuf = fd_wbuf,
	.send = fd_send,
	.recv = fd_recv,
	.close = fd_close,
};
