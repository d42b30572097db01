/**
 * A ring in a file that both ends map read-write: {@link io.myipc.internal.ring.file.DoubleMapping} maps it with
 * the data pages twice, {@link io.myipc.internal.ring.file.FutexRingWaiter} sleeps and wakes with a shared futex on
 * the {@code wake_seq} words. {@code shm:} uses both over its {@code /dev/shm} file, the ring's tests over a memfd;
 * the ring itself ({@code io.myipc.internal.ring}) knows nothing about files or futexes.
 */
package io.myipc.internal.ring.file;
