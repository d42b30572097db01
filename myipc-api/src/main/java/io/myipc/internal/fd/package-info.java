/**
 * Transport ends over one non-blocking file descriptor with FIFO semantics, shared by {@code pipe:} (a named pipe)
 * and {@code kmod:} (a {@code /dev/myipcN} device in copy mode): {@link io.myipc.internal.fd.FdReaderEnd} and
 * {@link io.myipc.internal.fd.FdWriterEnd} (read/write, {@code poll} on the descriptor plus an eventfd for wake-ups,
 * errno mapped to exceptions) and {@link io.myipc.internal.fd.FifoOpen} (the FIFO open rendezvous with timeout and
 * interrupt). Public for the transport modules; not an API.
 */
package io.myipc.internal.fd;
