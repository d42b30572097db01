package io.myipc.example;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Example program 2 of 2: prints the orders read from the logical channel {@code orders} until the producer ends. */
public final class OrderConsumer {
    public static void main(String[] args) throws Exception {
        // waits for the producer, at most a minute (then IpcTimeoutException)
        try (IpcReader in = IpcChannels.openReader("orders", Duration.ofMinutes(1))) {
            System.out.println("reading orders from " + in.uri());
            ByteBuf message;
            // a Netty ByteBuf owned by this program: an unpooled buffer, released here as a habit
            while ((message = in.readMessage()) != null) { // null: the producer closed and all was read
                System.out.println("got: " + message.toString(StandardCharsets.UTF_8));
                message.release();
            }
        }
    }
}
