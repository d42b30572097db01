package io.myipc.internal;

import io.myipc.IpcProtocolException;
import io.myipc.MessageTooLargeException;

/**
 * The message framing, the same for every transport: a 4-byte big-endian unsigned length, then the payload.
 * A message never spans more than its own bytes; there is no padding. Writers check the length against their
 * {@code maxMessageSize} before writing anything; readers reject a header over theirs (a protocol mismatch).
 */
public final class Framing {
    /** Bytes of the length header. */
    public static final int HEADER = 4;

    private Framing() {
    }

    public static void checkWritable(long length, int max) throws MessageTooLargeException {
        if (length > max) {
            throw new MessageTooLargeException(length, max);
        }
    }

    /** Validates a header read from the stream, returning the payload length. */
    public static int checkHeader(int header, int max, String channel) throws IpcProtocolException {
        long length = header & 0xFFFF_FFFFL;
        if (length > max) {
            throw new IpcProtocolException("message header on channel '" + channel + "' announces " + length
                    + " bytes, over this reader's maximum of " + max + ": the writer sends raw bytes or a larger "
                    + "maximum; use the same IpcOptions.withMaxMessageSize on both ends");
        }
        return (int) length;
    }

    public static IpcProtocolException truncated(String channel, long have, long want) {
        return new IpcProtocolException("the stream of channel '" + channel + "' ended inside a message (" + have
                + " of " + want + " bytes): the writer closed or died in the middle of writeMessage");
    }
}
