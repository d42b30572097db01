package io.myipc;

/**
 * The reader end of the channel is gone (closed, or its process died): the {@code EPIPE} of Java. Thrown by writes,
 * commits and message writes. Bytes already accepted by the transport but not read are lost. The writer should be
 * closed; a new writer can be opened when a new reader comes.
 */
public class PeerClosedException extends IpcException {
    private static final long serialVersionUID = 1L;

    public PeerClosedException(String message) {
        super(message);
    }
}
