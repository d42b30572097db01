package io.myipc.example;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Example program 2 of 2: prints the orders read from the logical channel {@code orders} until the producer ends. */
public final class OrderConsumer {
    public static void main(String[] args) throws Exception {
        try (IpcReader in = IpcChannels.openReader("orders")) { // waits for the producer
            System.out.println("reading orders from " + in.uri());
            ByteBuf message;
            while ((message = in.readMessage()) != null) { // null: the producer closed and all was read
                System.out.println("got: " + message.toString(StandardCharsets.UTF_8));
            }
        }
    }
}
