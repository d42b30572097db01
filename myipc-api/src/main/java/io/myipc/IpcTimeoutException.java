package io.myipc;

import java.io.InterruptedIOException;

/**
 * A call with a timeout (open, {@code read(dst, timeout)}, {@code write(src, timeout)}, {@code claim(n, timeout)},
 * ...) ran out of time. The channel stays open and usable. {@link #bytesTransferred} tells how many bytes a timed
 * write moved before the deadline (as for {@link java.net.SocketTimeoutException}).
 */
public class IpcTimeoutException extends InterruptedIOException {
    private static final long serialVersionUID = 1L;

    public IpcTimeoutException(String message) {
        super(message);
    }

    public IpcTimeoutException(String message, int bytesTransferred) {
        super(message);
        this.bytesTransferred = bytesTransferred;
    }
}
