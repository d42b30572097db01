package io.myipc.example;

import io.myipc.IpcChannels;
import io.myipc.IpcWriter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Example program 1 of 2: writes orders to the logical channel {@code orders}. Which transport carries them is
 * configuration only, e.g. {@code -Dmyipc.channel.orders=pipe:/tmp/orders.fifo} or
 * {@code MYIPC_CHANNEL_ORDERS=shm:orders?capacity=1MiB}.
 */
public final class OrderProducer {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        // waits for the consumer, at most a minute (then IpcTimeoutException)
        try (IpcWriter out = IpcChannels.openWriter("orders", Duration.ofMinutes(1))) {
            for (int i = 1; i <= count; i++) {
                out.writeMessage(ByteBuffer.wrap(("order " + i).getBytes(StandardCharsets.UTF_8)));
            }
        } // closing is the consumer's end of stream
    }
}
