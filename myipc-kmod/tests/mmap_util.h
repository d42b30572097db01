/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmap_util.h - what the mmap suite's sections (t_mmap_*.c) share, defined
 * in mmap_util.c: the checked byte stream, a ring end, diagnostics.
 */
#ifndef MYIPC_TESTS_MMAP_UTIL_H
#define MYIPC_TESTS_MMAP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness.h"
#include "myipc_ring.h"

double tnow(void);

/* The checked stream: byte (o & 7) of mix64(o >> 3) at stream offset o. */
uint64_t mix64(uint64_t x);
void sfill(uint8_t *p, uint64_t off, size_t n);
long scheck(const uint8_t *p, uint64_t off, size_t n);

/* A ring end: myipc_ring.h over the driver's pages. */
void uring_open(struct myipc_ring *r, const char *path, uint32_t role);
void uring_close(struct myipc_ring *r);
void uring_publish(struct myipc_ring *r, uint64_t n);
int uring_wait(struct myipc_ring *r, uint64_t need, int64_t timeout_ns);

const char *proc_where(pid_t pid);

/*
 * A checked transfer, in shared memory: the data cases' producer and
 * consumer, and the hostile cases' stream on the other channel.
 */
struct xfer {
	uint64_t total, chunk;
	uint64_t got;
	double secs;
	uint64_t wakes, waits;
};

#endif
