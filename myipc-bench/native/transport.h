/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between transport.c (the table, the chan_* calls) and the transport
 * families (t_pipe.c, t_dev.c, t_ring.c): what a family implements.
 */
#ifndef MYIPC_BENCH_TRANSPORT_H
#define MYIPC_BENCH_TRANSPORT_H

#include "bench.h"

/*
 * One family of channels. create runs before fork(), end after it in each
 * process; NULL members: available (always), note (""), view and release
 * (-EINVAL: not a ring), max_claim (SIZE_MAX).
 */
struct transport_ops {
	int (*available)(const struct transport *t, char *why, size_t len);
	const char *(*note)(const struct transport *t);
	int (*create)(struct chan *c, size_t maxmsg, char *err, size_t elen);
	int (*end)(struct chan *c, int end, char *err, size_t elen);
	uint8_t *(*wbuf)(struct chan *c, size_t n);
	int (*send)(struct chan *c, const uint8_t *p, size_t n);
	ssize_t (*recv)(struct chan *c, uint8_t *p, size_t max);
	ssize_t (*view)(struct chan *c, const uint8_t **p, size_t max);
	int (*release)(struct chan *c, size_t n);
	size_t (*max_claim)(const struct chan *c);
	void (*close)(struct chan *c);
};

/* t_pipe.c */
extern const struct transport_ops pipe_ops, vmsplice_ops, unix_ops;
/* t_dev.c */
extern const struct transport_ops dev_ops;
int dev_available(const struct transport *t, char *why, size_t len);
/* t_ring.c */
extern const struct transport_ops shm_ops, devmmap_ops;

/* t_pipe.c: a channel over file descriptors, also the driver's copy transport */
int fd_writer_buf(struct chan *c, char *err, size_t elen);
int fd_reader_setup(struct chan *c, char *err, size_t elen);
uint8_t *fd_wbuf(struct chan *c, size_t n);
int fd_send(struct chan *c, const uint8_t *p, size_t n);
ssize_t fd_recv(struct chan *c, uint8_t *p, size_t max);
void fd_close(struct chan *c);

static inline size_t page_up(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

#endif
