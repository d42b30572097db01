package io.myipc;

/**
 * A message is larger than the end's maximum message size ({@link IpcOptions#maxMessageSize()}). Nothing was written;
 * the channel stays usable. Raise the limit on both ends with {@link IpcOptions#withMaxMessageSize(int)} or split the
 * message.
 */
public class MessageTooLargeException extends IpcException {
    private static final long serialVersionUID = 1L;
    private final long size;
    private final int limit;

    public MessageTooLargeException(long size, int limit) {
        super("message of " + size + " bytes exceeds the maximum message size of " + limit
                + " bytes: split it, or raise the limit on both ends with IpcOptions.withMaxMessageSize(n)");
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public int limit() {
        return limit;
    }
}
