/**
 * The {@code kmod:} transport: channels of the myipc driver ({@code myipc-kmod/driver}), one per device node
 * {@code /dev/myipcN}, each behaving like a Linux FIFO.
 *
 * <pre>
 * kmod:/dev/myipc0                 copy mode (read/write through the driver), the ring as loaded (buf_size)
 * kmod:/dev/myipc0?size=1MiB       the writer resizes the ring (MYIPC_IOC_SET_SIZE, rounded up to a power of two)
 * kmod:/dev/myipc0?mode=mmap       the driver's ring mapped into the process: the shm: ring code over the driver's
 *                                  pages, zero-copy claims and views, no system call while streaming; the ends mix
 *                                  with copy-mode ends on the same device
 * </pre>
 *
 * <p>Capabilities: {@code CROSS_PROCESS}, {@code PEER_DEATH_DETECTION} (end of stream / {@code PeerClosedException}
 * when the peer closes or dies), {@code KERNEL_WAIT} (blocked calls sleep in {@code poll}, or in
 * {@code MYIPC_IOC_WAIT} in mmap mode); {@code mode=mmap} adds {@code ZERO_COPY}. Copy mode uses the descriptor ends
 * shared with {@code pipe:} ({@link io.myipc.internal.fd}).
 *
 * <p>mode=mmap needs read and write permission on the node (the ring is mapped from an {@code O_RDWR} descriptor) and
 * allows one mmap writer and one mmap reader per device. The driver cannot resize a mapped ring: a writer's
 * {@code size=} must be set before the reader maps it (open the writer first), else the writer's open fails and says
 * so.
 *
 * <p>Without the driver, opening a channel fails at once and says how to load it ({@code modprobe myipc}, after a
 * DKMS install as the myipc-kmod README's "Install on a host" shows); a path
 * that is not a myipc device (regular file, directory, FIFO, another driver's device) is rejected with what it is.
 *
 * <p>{@link io.myipc.kmod.KmodAdmin} administers the devices for tools (the benchmark): the copy path's {@code sync}
 * mode per device, a ring size held before the ends open, the open ends the driver counts.
 *
 * <p>Tests: {@code mvn -pl myipc-kmod test} runs everything on the host, where the contract cases are skipped
 * ("driver not loaded"); {@code myipc-kmod/run-java-tests --kernel 6.1} runs them all inside the VM with the driver
 * loaded, where a skip is a failure.
 */
package io.myipc.kmod;
