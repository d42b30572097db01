package io.myipc;

/** What a transport (and so each of its ends) can do beyond the common contract. */
public enum Capability {
    /** {@code claim}/{@code view} hand out the transport's own memory (no copy); without it they work with one copy. */
    ZERO_COPY,
    /** The transport itself keeps write boundaries. Without it, messages are framed on the byte stream by myipc. */
    MESSAGE_BOUNDARIES,
    /** The ends work between processes (all transports shipped with myipc do). */
    CROSS_PROCESS,
    /** The end of a peer that died without closing (SIGKILL) is detected: EOF for the reader, EPIPE for the writer. */
    PEER_DEATH_DETECTION,
    /** Blocking waits sleep in the kernel (an idle blocked end costs no CPU). */
    KERNEL_WAIT
}
