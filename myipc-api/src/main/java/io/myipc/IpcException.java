package io.myipc;

import java.io.IOException;

/** Base class of the checked exceptions thrown by myipc. Every message says what went wrong and what to do. */
public class IpcException extends IOException {
    private static final long serialVersionUID = 1L;

    public IpcException(String message) {
        super(message);
    }

    public IpcException(String message, Throwable cause) {
        super(message, cause);
    }
}
