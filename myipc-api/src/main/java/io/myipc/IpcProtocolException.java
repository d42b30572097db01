package io.myipc;

/**
 * The byte stream does not contain valid message framing (a length header larger than the reader's limit, or the
 * stream ended inside a message). Usually both ends disagree on the protocol (one writes raw bytes, the other reads
 * messages) or on {@link IpcOptions#maxMessageSize()}.
 */
public class IpcProtocolException extends IpcException {
    private static final long serialVersionUID = 1L;

    public IpcProtocolException(String message) {
        super(message);
    }
}
