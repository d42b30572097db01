package io.myipc.kmod;

/**
 * The numbers of the driver's user-space contract, mirrored from {@code myipc-kmod/include/uapi/myipc.h} (the one
 * header C code includes; change both together). The ioctl request numbers are computed here the way the kernel's
 * {@code _IOR}/{@code _IOWR} macros ({@code include/uapi/asm-generic/ioctl.h}) compute them, from the same magic,
 * command number and argument size as the header; {@code MyipcUapiTest} compiles the header with gcc and checks
 * every value below against it.
 */
public final class MyipcUapi {
    private MyipcUapi() {
    }

    // asm-generic/ioctl.h: nr in bits 0-7, type in 8-15, size in 16-29, direction in 30-31.
    private static final int IOC_NRSHIFT = 0;
    private static final int IOC_TYPESHIFT = 8;
    private static final int IOC_SIZESHIFT = 16;
    private static final int IOC_DIRSHIFT = 30;
    private static final int IOC_SIZEMASK = (1 << 14) - 1;
    /** {@code _IOC_WRITE}: user space writes the argument (the kernel reads it). */
    static final int IOC_WRITE = 1;
    /** {@code _IOC_READ}: the kernel writes the argument. */
    static final int IOC_READ = 2;

    /** {@code _IOC(dir, type, nr, size)} as an unsigned 32-bit value. */
    static long ioc(int dir, int type, int nr, int size) {
        if (size < 0 || size > IOC_SIZEMASK || type < 0 || type > 0xff || nr < 0 || nr > 0xff) {
            throw new IllegalArgumentException("ioctl field out of range");
        }
        return ((long) dir << IOC_DIRSHIFT) | ((long) size << IOC_SIZESHIFT) | ((long) type << IOC_TYPESHIFT)
                | ((long) nr << IOC_NRSHIFT);
    }

    /** {@code _IOR(type, nr, size)}. */
    static long ior(int type, int nr, int size) {
        return ioc(IOC_READ, type, nr, size);
    }

    /** {@code _IOW(type, nr, size)}. */
    static long iow(int type, int nr, int size) {
        return ioc(IOC_WRITE, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}. */
    static long iowr(int type, int nr, int size) {
        return ioc(IOC_READ | IOC_WRITE, type, nr, size);
    }

    /** {@code MYIPC_DEV_PREFIX}: device nodes are this followed by the channel number. */
    public static final String DEV_PREFIX = "/dev/myipc";
    /** {@code MYIPC_MAX_DEVS}: most channels the module creates ({@code nr_devs}). */
    public static final int MAX_DEVS = 64;
    /** {@code MYIPC_PIPE_BUF}: writes up to this size are atomic. */
    public static final int PIPE_BUF = 4096;
    /** {@code MYIPC_MIN_SIZE}: smallest ring capacity (the page size on x86-64). */
    public static final long MIN_SIZE = 4096;
    /** {@code MYIPC_MAX_SIZE}: largest ring capacity. */
    public static final long MAX_SIZE = 16L << 20;
    /** {@code MYIPC_DEFAULT_SIZE}: default of the {@code buf_size} module parameter. */
    public static final long DEFAULT_SIZE = 65536;

    /** {@code MYIPC_IOC_MAGIC}. */
    public static final int IOC_MAGIC = 0xE7;
    /** {@code sizeof(__u64)}, the argument of GET_SIZE and SET_SIZE. */
    static final int U64 = 8;
    /** {@code sizeof(struct myipc_stats)}: 11 counters and 5 reserved {@code __u64}. */
    public static final int STATS_SIZE = 16 * U64;
    /** {@code MYIPC_IOC_GET_SIZE = _IOR(MYIPC_IOC_MAGIC, 0x01, __u64)}: the ring capacity in bytes. */
    public static final long IOC_GET_SIZE = ior(IOC_MAGIC, 0x01, U64);
    /** {@code MYIPC_IOC_SET_SIZE = _IOWR(MYIPC_IOC_MAGIC, 0x02, __u64)}: resize; the capacity in effect comes back. */
    public static final long IOC_SET_SIZE = iowr(IOC_MAGIC, 0x02, U64);
    /** {@code MYIPC_IOC_GET_STATS = _IOR(MYIPC_IOC_MAGIC, 0x03, struct myipc_stats)}. */
    public static final long IOC_GET_STATS = ior(IOC_MAGIC, 0x03, STATS_SIZE);
    /** {@code sizeof(__u32)}, the argument of SET_ROLE and WAKE. */
    static final int U32 = 4;
    /** {@code sizeof(struct myipc_wait)}: need, timeout_ns, seq, flags, reserved. */
    public static final int WAIT_SIZE = 32;
    /** {@code MYIPC_IOC_SET_ROLE = _IOW(MYIPC_IOC_MAGIC, 0x10, __u32)}: producer or consumer of the mapped ring. */
    public static final long IOC_SET_ROLE = iow(IOC_MAGIC, 0x10, U32);
    /** {@code MYIPC_IOC_WAIT = _IOW(MYIPC_IOC_MAGIC, 0x11, struct myipc_wait)}: sleep until the ring is ready. */
    public static final long IOC_WAIT = iow(IOC_MAGIC, 0x11, WAIT_SIZE);
    /** {@code MYIPC_IOC_WAKE = _IOW(MYIPC_IOC_MAGIC, 0x12, __u32)}: wake the peer or this file's waiter. */
    public static final long IOC_WAKE = iow(IOC_MAGIC, 0x12, U32);
    /** {@code MYIPC_ROLE_PRODUCER}. */
    public static final int ROLE_PRODUCER = 1;
    /** {@code MYIPC_ROLE_CONSUMER}. */
    public static final int ROLE_CONSUMER = 2;
    /** {@code MYIPC_WAIT_SEQ}: flag of {@code struct myipc_wait}, also wait while the peer's wake_seq matches. */
    public static final int WAIT_SEQ = 0x1;
    /** {@code MYIPC_WAIT_READY}: result bit, the ring condition holds. */
    public static final int WAIT_READY = 0x1;
    /** {@code MYIPC_WAIT_PEER_GONE}: result bit, the other end closed. */
    public static final int WAIT_PEER_GONE = 0x2;
    /** {@code MYIPC_WAIT_WOKEN}: result bit, wake_seq moved or a self wake. */
    public static final int WAIT_WOKEN = 0x4;
    /** {@code MYIPC_WAKE_PEER}: argument of WAKE. */
    public static final int WAKE_PEER = 0;
    /** {@code MYIPC_WAKE_SELF}: argument of WAKE. */
    public static final int WAKE_SELF = 1;
    /** {@code FIONREAD} (x86-64, asm-generic/ioctls.h): bytes buffered, an {@code int}. */
    public static final long FIONREAD = 0x541B;
}
