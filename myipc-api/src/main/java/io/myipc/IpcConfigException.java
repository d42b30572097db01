package io.myipc;

/**
 * A channel name or URI cannot be used: unknown scheme, no transport on the class path for it, an unknown or
 * malformed parameter, or a logical name that no configuration maps to a URI. The message names the problem and
 * lists the accepted forms.
 */
public class IpcConfigException extends IpcException {
    private static final long serialVersionUID = 1L;

    public IpcConfigException(String message) {
        super(message);
    }

    public IpcConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
