package io.myipc;

/**
 * A call with a timeout (open, {@code read(dst, timeout)}, {@code write(src, timeout)}, {@code claim(n, timeout)},
 * ...) ran out of time. The channel stays open and usable. {@link #bytesTransferred} tells how many bytes a timed
 * write moved before the deadline (as for {@link java.net.SocketTimeoutException}).
 *
 * <p>An {@link IpcException}, so one {@code catch (IpcException e)} covers every failure of myipc. It is no longer an
 * {@link java.io.InterruptedIOException}: Java has one superclass, a {@code catch} clause cannot name an interface,
 * and a timeout is not an interrupt (an interrupt throws {@link java.nio.channels.ClosedByInterruptException}).
 */
public class IpcTimeoutException extends IpcException {
    private static final long serialVersionUID = 2L;

    /** Bytes a timed write transferred before the deadline passed (0 for other calls). */
    public int bytesTransferred;

    public IpcTimeoutException(String message) {
        super(message);
    }

    public IpcTimeoutException(String message, int bytesTransferred) {
        super(message);
        this.bytesTransferred = bytesTransferred;
    }
}
