package io.myipc.internal.ring;

import java.io.IOException;

/** The control page is not a ring this library can use (magic, version, capacity). */
public class RingFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public RingFormatException(String message) {
        super(message);
    }
}
