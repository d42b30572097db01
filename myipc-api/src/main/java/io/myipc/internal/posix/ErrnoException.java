package io.myipc.internal.posix;

import io.myipc.IpcException;

/** A failed system call: carries the errno value and its name ({@code ENOENT}, ...). */
public class ErrnoException extends IpcException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public ErrnoException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic name, e.g. {@code "EACCES"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
