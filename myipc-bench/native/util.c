// SPDX-License-Identifier: GPL-2.0
/* Clocks, pinning, the byte pattern, percentiles, the environment block. */
#include "bench.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPU time (user + sys) of this process; each side is single-threaded */
uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Has the other process of this measurement gone away? The parent asks
 * waitpid (and keeps the status for the final wait), a child compares its
 * parent; PR_SET_DEATHSIG kills a child of a dead parent anyway.
 */
static pid_t peer_pid;
static int reaped, reaped_st;

void peer_set(pid_t pid)
{
	peer_pid = pid;
}

pid_t peer(void)
{
	return peer_pid;
}

int peer_gone(void)
{
	if (peer_pid <= 0)
		return 0;
	if (reaped)
		return 1;
	if (peer_pid == getppid())
		return 0;
	if (waitpid(peer_pid, &reaped_st, WNOHANG) == peer_pid) {
		reaped = 1;
		return 1;
	}
	return 0;
}

/* the parent's final wait: 1 with *st if peer_gone() already reaped the child */
int peer_reaped_status(int *st)
{
	int r = reaped;

	if (r)
		*st = reaped_st;
	reaped = 0;
	return r;
}

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("myipc-bench-c: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t t_first;

void progress(const char *fmt, ...)
{
	va_list ap;

	if (!t_first)
		t_first = now_ns();
	fprintf(stderr, "bench-c: [%6.1fs] ", (double)(now_ns() - t_first) / 1e9);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * The byte at stream offset off. Not periodic at any power of two up to
 * 2^32, so a lost, repeated or reordered chunk or page shows up.
 */
uint8_t pattern_byte(uint64_t off)
{
	uint64_t x = off * 0x9E3779B97F4A7C15ull;

	return (uint8_t)((x >> 56) ^ (off >> 12) ^ off);
}

void pattern_fill(uint8_t *p, uint64_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern_byte(off + i);
}

/*
 * Fair work. Stores and loads go through 8-byte memcpy (one mov each at
 * -O2, any alignment); the buffer is handed to another translation unit
 * (chan_send) or its sum is compared, so neither loop can be dropped.
 */
void words_fill(uint8_t *p, uint64_t off, size_t n)
{
	uint64_t k = off / 8;

	for (size_t i = 0; i < n / 8; i++) {
		uint64_t v = k + i;

		memcpy(p + 8 * i, &v, 8);
	}
}

void fold_bytes(struct fold *f, const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	size_t w;

	/* finish a word begun in the previous read */
	while (n && (f->off & 7)) {
		f->partial |= (uint64_t)*p++ << (8 * (f->off & 7));
		f->off++;
		n--;
		if (!(f->off & 7)) {
			f->sum += f->partial;
			f->partial = 0;
		}
	}
	w = n / 8;
	for (size_t i = 0; i < w; i++) {
		uint64_t v;

		memcpy(&v, p + 8 * i, 8);
		s += v;
	}
	f->sum += s;
	f->off += 8 * w;
	p += 8 * w;
	n -= 8 * w;
	/* the start of a word the next read completes */
	for (size_t i = 0; i < n; i++)
		f->partial |= (uint64_t)p[i] << (8 * i);
	f->off += n;
}

uint64_t fold_end(struct fold *f)
{
	return f->sum + f->partial;
}

uint64_t words_sum(uint64_t n)
{
	/* n(n-1)/2 without overflowing before the division (wraps like the reader's sum) */
	return n % 2 ? n * ((n - 1) / 2) : (n / 2) * (n - 1);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* exact percentiles (nearest rank) of a sorted copy of all samples */
static double rank(const uint64_t *s, long n, double q)
{
	long i = (long)(q * (double)n + 0.999999999) - 1;

	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return (double)s[i];
}

void percentiles(uint64_t *s, long n, struct record *r)
{
	double sum = 0;

	if (n <= 0)
		return;
	qsort(s, (size_t)n, sizeof(*s), cmp_u64);
	for (long i = 0; i < n; i++)
		sum += (double)s[i];
	r->min = (double)s[0];
	r->p50 = rank(s, n, 0.50);
	r->p90 = rank(s, n, 0.90);
	r->p99 = rank(s, n, 0.99);
	r->p999 = rank(s, n, 0.999);
	r->max = (double)s[n - 1];
	r->mean = sum / (double)n;
	r->count = n;
}

const char *fmt_size(size_t n, char *buf, size_t len)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(buf, len, "%zuM", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, len, "%zuK", n >> 10);
	else
		snprintf(buf, len, "%zu", n);
	return buf;
}

void note_cat(char *note, size_t len, const char *s)
{
	size_t n = strlen(note);

	if (!s || !*s)
		return;
	snprintf(note + n, len - n, "%s%s", n ? "; " : "", s);
}

/* ---- environment ---------------------------------------------------- */

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static void cpuinfo(char *model, size_t mlen, int *hyperv)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];

	snprintf(model, mlen, "unknown");
	*hyperv = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		v += 1 + (v[1] == ' ');
		v[strcspn(v, "\n")] = 0;
		if (!strncmp(line, "model name", 10))
			snprintf(model, mlen, "%s", v);
		else if (!strncmp(line, "flags", 5) && strstr(v, " hypervisor"))
			*hyperv = 1;
	}
	fclose(f);
}

/* the hypervisor's CPUID vendor ("KVMKVMKVM", "TCGTCGTCGTCG", ...) */
static void hv_vendor(char *buf, size_t len)
{
	buf[0] = 0;
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a = 0x40000000, b = 0, c = 0, d = 0;
	char v[13];

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
	memcpy(v, &b, 4);
	memcpy(v + 4, &c, 4);
	memcpy(v + 8, &d, 4);
	v[12] = 0;
	for (int i = 0; i < 12; i++)
		if (v[i] && (v[i] < 32 || v[i] > 126))
			v[i] = '?';
	snprintf(buf, len, "%s", v);
#endif
	(void)len;
}

static char env_model[256], env_vendor[128], env_hv[16], env_load[128];
static int env_hyperv, env_done, env_emul;

void env_init(void)
{
	if (env_done)
		return;
	env_done = 1;
	read_line("/proc/loadavg", env_load, sizeof(env_load));
	cpuinfo(env_model, sizeof(env_model), &env_hyperv);
	read_line("/sys/class/dmi/id/sys_vendor", env_vendor, sizeof(env_vendor));
	if (env_hyperv)
		hv_vendor(env_hv, sizeof(env_hv));
	/* TCG: QEMU's own CPUID vendor, or QEMU hardware without KVM/other */
	env_emul = !strcmp(env_hv, "TCGTCGTCGTCG") ||
		   (env_hyperv && (strstr(env_model, "QEMU") || strstr(env_vendor, "QEMU")) &&
		    strcmp(env_hv, "KVMKVMKVM") != 0 && env_hv[0] != 'M' /* Microsoft Hv */);
}

/* set by the VM harness in the guest (tools/vm/vm run --accel ...) */
const char *env_vm_mode(void)
{
	const char *m = getenv("MYIPC_VM_MODE");

	if (!m || (strcmp(m, "icount") && strcmp(m, "tcg") && strcmp(m, "kvm")))
		return NULL;
	return m;
}

int env_emulated(void)
{
	env_init();
	return env_emul;
}


void env_json(FILE *f)
{
	struct utsname u;
	char when[64];
	time_t t = time(NULL);

	env_init();
	uname(&u);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	fputs("  \"environment\": {\n    \"frontend\": \"c\",\n    \"cpu_model\": ", f);
	json_str(f, env_model);
	fprintf(f, ",\n    \"cores\": %ld,\n    \"kernel\": ", sysconf(_SC_NPROCESSORS_ONLN));
	json_str(f, u.release);
	fputs(",\n    \"kernel_version\": ", f);
	json_str(f, u.version);
	fputs(",\n    \"machine\": ", f);
	json_str(f, u.machine);
	fprintf(f, ",\n    \"virtualised\": %s,\n    \"hypervisor_vendor\": ",
		env_hyperv ? "true" : "false");
	json_str(f, env_hv);
	fputs(",\n    \"sys_vendor\": ", f);
	json_str(f, env_vendor);
	fprintf(f, ",\n    \"emulated\": %s,\n", env_emul ? "true" : "false");
	if (env_vm_mode()) {
		fprintf(f, "    \"vm_mode\": \"%s\",\n", env_vm_mode());
		if (!strcmp(env_vm_mode(), "icount"))
			fputs("    \"vm_mode_note\": \"icount: cost in guest instructions, vCPUs serialised, caches and "
			      "coherence ignored; spin RTT and sync-mode contention are not meaningful in this mode\",\n", f);
	}
	if (env_emul)
		fputs("    \"note\": \"under emulation only ratios within one run mean anything\",\n", f);
	fputs("    \"compiler\": ", f);
	json_str(f, "gcc " __VERSION__);
	fputs(",\n    \"loadavg_at_start\": ", f);
	json_str(f, env_load);
	/* the driver's module parameters (buf_size, sync=...), when it is loaded */
	DIR *d = opendir("/sys/module/myipc/parameters");

	if (d) {
		struct dirent *de;
		int first = 1;

		fputs(",\n    \"myipc_module_params\": {", f);
		while ((de = readdir(d))) {
			char path[512], val[128];

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/module/myipc/parameters/%.200s", de->d_name);
			read_line(path, val, sizeof(val));
			fputs(first ? "" : ", ", f);
			first = 0;
			json_str(f, de->d_name);
			fputs(": ", f);
			json_str(f, val);
		}
		closedir(d);
		fputs("}", f);
	}
	fputs(",\n    \"date\": ", f);
	json_str(f, when);
	fputs(",\n", f);
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
