// SPDX-License-Identifier: GPL-2.0
/*
 * vmsplice-probe: where does vmsplice(2) spend its time? One process, one
 * pipe, no peer (so no wake-ups, no cross-CPU traffic): each variant moves
 * N one-byte messages into a pipe and out again and prints the wall time
 * and the system time per message. Built by `make probe`; used to explain
 * the vmsplice figures under QEMU TCG (see README.md).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double sys_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

enum { WRITE_READ, VMSPLICE_READ, VMSPLICE_NULL, VMSPLICE_GIFT_READ, PVR_READV, VMSPLICE_SHARED_READ,
       VMSPLICE_ROTATE_READ };
static const char *names[] = {
	"write + read (baseline)", "vmsplice (same page) + read", "vmsplice + splice to /dev/null",
	"vmsplice SPLICE_F_GIFT + read", "process_vm_readv of own page (GUP alone)",
	"vmsplice from a MAP_SHARED page + read", "vmsplice rotating 16 pages + read",
};

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000;
	int nul = open("/dev/null", O_WRONLY);
	uint8_t *priv = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	uint8_t *shr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	uint8_t b[16];

	memset(priv, 1, 16 * 4096);
	memset(shr, 1, 4096);
	for (int v = 0; v <= VMSPLICE_ROTATE_READ; v++) {
		int p[2];

		if (pipe(p))
			return 1;
		double t0 = now(), s0 = sys_s();

		for (long i = 0; i < n; i++) {
			struct iovec iov = { priv, 1 };
			ssize_t k = 0;

			switch (v) {
			case WRITE_READ:
				k = write(p[1], priv, 1) == 1 && read(p[0], b, 1) == 1;
				break;
			case VMSPLICE_READ:
				k = vmsplice(p[1], &iov, 1, 0) == 1 && read(p[0], b, 1) == 1;
				break;
			case VMSPLICE_NULL:
				k = vmsplice(p[1], &iov, 1, 0) == 1 &&
				    splice(p[0], NULL, nul, NULL, 1, SPLICE_F_MOVE) == 1;
				break;
			case VMSPLICE_GIFT_READ:
				k = vmsplice(p[1], &iov, 1, SPLICE_F_GIFT) == 1 && read(p[0], b, 1) == 1;
				break;
			case PVR_READV: {
				struct iovec l = { b, 1 };

				k = process_vm_readv(getpid(), &l, 1, &iov, 1, 0) == 1;
				break;
			}
			case VMSPLICE_SHARED_READ:
				iov.iov_base = shr;
				k = vmsplice(p[1], &iov, 1, 0) == 1 && read(p[0], b, 1) == 1;
				break;
			case VMSPLICE_ROTATE_READ:
				iov.iov_base = priv + (i % 16) * 4096;
				priv[(i % 16) * 4096] = (uint8_t)i;	/* the writer rewrites its page, as the benchmark does */
				k = vmsplice(p[1], &iov, 1, 0) == 1 && read(p[0], b, 1) == 1;
				break;
			}
			if (!k) {
				perror(names[v]);
				return 1;
			}
		}
		double wall = now() - t0, sys = sys_s() - s0;

		printf("%-45s %8.2f us wall/msg  %8.2f us sys/msg\n", names[v], wall / n * 1e6, sys / n * 1e6);
		close(p[0]);
		close(p[1]);
	}
	return 0;
}
