package io.myipc.contract;

import io.myipc.Capability;
import io.myipc.IpcChannels;
import io.myipc.IpcEnd;
import io.myipc.IpcOptions;
import io.myipc.IpcReader;
import io.myipc.IpcTimeoutException;
import io.myipc.IpcWriter;
import io.myipc.PeerClosedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Open rendezvous, interrupt and asynchronous close, closed ends, peer death. */
@Timeout(120)
public abstract class LifecycleContract extends ContractBase {
    LifecycleContract(TransportContract transport) {
        super(transport);
    }


    @Test
    void openWithATimeoutFailsWhenNoPeerComes() {
        String uri = newChannelUri();
        assertThatThrownBy(() -> IpcChannels.openReader(uri, Duration.ofMillis(300)))
                .isInstanceOf(IpcTimeoutException.class).hasMessageContaining("timed out")
                .hasMessageContaining("writer");
        String uri2 = newChannelUri();
        assertThatThrownBy(() -> IpcChannels.openWriter(uri2, Duration.ofMillis(300)))
                .isInstanceOf(IpcTimeoutException.class).hasMessageContaining("timed out")
                .hasMessageContaining("reader");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void openWaitsForThePeerAndBothEndsThenWork(Mode mode) throws Exception {
        String uri = newChannelUri();
        // the peer opens late; our open has to wait for it and then the stream works
        PeerHandle peer = peer(mode, "writer", uri, "sleep=300", "open", "write-pattern=1000,100", "close");
        try (IpcReader r = openReader(uri)) {
            peer.expect("OPENED", OPEN);
            ByteStreamContract.readVerify(r, 1000, 1000, 0);
            assertThat(r.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
        peer.assertSuccess(OPEN);
        String uri2 = newChannelUri();
        PeerHandle peer2 = peer(mode, "reader", uri2, "sleep=300", "open", "read-verify=1000,0", "expect-eof");
        try (IpcWriter w = openWriter(uri2)) {
            w.write(ByteStreamContract.pattern(0, 1000, false));
        }
        peer2.assertSuccess(OPEN);
    }

    @Test
    void anInterruptEndsAWaitingOpen() throws Exception {
        for (boolean reader : new boolean[] {true, false}) {
            String uri = newChannelUri();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    IpcEnd e = reader ? IpcChannels.openReader(uri) : IpcChannels.openWriter(uri);
                    e.close();
                } catch (Throwable x) {
                    failure.set(x);
                }
            });
            t.start();
            Thread.sleep(200L * SLOWNESS);
            t.interrupt();
            t.join(10_000);
            assertThat(t.isAlive()).as("open still blocked 10 s after the interrupt").isFalse();
            assertThat(failure.get()).isInstanceOf(ClosedByInterruptException.class);
        }
    }

    private Throwable blockAndStop(IpcEnd end, ThrowingRunnable blockingCall, boolean interrupt) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                blockingCall.run();
            } catch (Throwable x) {
                failure.set(x);
            }
        });
        t.start();
        Thread.sleep(300L * SLOWNESS); // let it block
        assertThat(t.isAlive()).as("the call should be blocked").isTrue();
        if (interrupt) {
            t.interrupt();
        } else {
            end.close();
        }
        t.join(10_000);
        assertThat(t.isAlive()).as("call still blocked 10 s after " + (interrupt ? "interrupt" : "close")).isFalse();
        assertThat(end.isOpen()).isFalse();
        return failure.get();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBlockedReadEndsOnInterruptAndOnClose(Mode mode) throws Exception {
        for (boolean interrupt : new boolean[] {true, false}) {
            String uri = newChannelUri();
            PeerHandle peer = peer(mode, "writer", uri, "open", "ready", "hang");
            IpcReader r = openReader(uri);
            peer.expect("READY", OPEN);
            Throwable f = blockAndStop(r, () -> r.read(ByteBuffer.allocate(10)), interrupt);
            assertThat(f).isInstanceOf(interrupt ? ClosedByInterruptException.class : AsynchronousCloseException.class);
            assertThatThrownBy(() -> r.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
            peer.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBlockedViewAndMessageReadEndOnClose(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "ready", "hang");
        IpcReader r = openReader(uri);
        peer.expect("READY", OPEN);
        assertThat(blockAndStop(r, r::readMessage, false)).isInstanceOf(AsynchronousCloseException.class);
        peer.stop();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBlockedViewEndsOnInterrupt(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "ready", "hang");
        IpcReader r = openReader(uri);
        peer.expect("READY", OPEN);
        assertThat(blockAndStop(r, r::view, true)).isInstanceOf(ClosedByInterruptException.class);
        peer.stop();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBlockedClaimOrCommitEndsOnClose(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "reader", uri, "open", "ready", "hang");
        IpcWriter w = openWriter(uri);
        peer.expect("READY", OPEN);
        ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
        long filled = 0;
        while (w.tryWrite(chunk.clear()) > 0) { // fill the channel
            filled += 4096;
            assertThat(filled).as("a transport buffers a bounded amount").isLessThan(1L << 30);
        }
        int n = Math.min(4096, w.maxClaimSize());
        // zero-copy transports block in claim (no room), the others in commit (the copy cannot be written)
        Throwable f = blockAndStop(w, () -> {
            w.claim(n).writeZero(n);
            w.commit(n);
        }, false);
        assertThat(f).isInstanceOf(AsynchronousCloseException.class);
        peer.stop();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBlockedWriteEndsOnInterruptAndOnClose(Mode mode) throws Exception {
        for (boolean interrupt : new boolean[] {true, false}) {
            String uri = newChannelUri();
            PeerHandle peer = peer(mode, "reader", uri, "open", "ready", "hang");
            IpcWriter w = openWriter(uri);
            peer.expect("READY", OPEN);
            ByteBuffer big = ByteBuffer.allocateDirect(64 << 20); // more than a test channel holds
            Throwable f = blockAndStop(w, () -> w.write(big), interrupt);
            assertThat(f).isInstanceOf(interrupt ? ClosedByInterruptException.class : AsynchronousCloseException.class);
            assertThat(big.position()).as("some bytes went in before it blocked").isPositive();
            assertThatThrownBy(() -> w.write(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
            peer.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void closedEndsRejectCallsAndCloseIsIdempotent(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "ready", "hang");
        IpcReader r = openReader(uri);
        peer.expect("READY", OPEN);
        r.close();
        r.close();
        assertThat(r.isOpen()).isFalse();
        assertThatThrownBy(() -> r.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(r::view).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(r::readMessage).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void capabilitiesAreReportedByTheTransportAndItsEnds() throws Exception {
        String uri = newChannelUri();
        assertThat(IpcChannels.capabilities(uri).contains(Capability.CROSS_PROCESS)).isEqualTo(crossProcess());
        CompletableFuture<IpcReader> rf = CompletableFuture.supplyAsync(() -> {
            try {
                return openReader(uri);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (IpcWriter w = openWriter(uri); IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
            assertThat(w.capabilities()).isEqualTo(IpcChannels.capabilities(uri));
            assertThat(r.capabilities()).isEqualTo(IpcChannels.capabilities(uri));
            assertThat(w.uri()).isEqualTo(uri);
            assertThat(r.channel()).isEqualTo(uri);
            assertThat(w.maxMessageSize()).isEqualTo(IpcOptions.DEFAULT_MAX_MESSAGE_SIZE);
        }
    }

    /** The contract's bound: a SIGKILLed writer is seen as end of stream within one second. */
    @Test
    void aKilledWriterProcessIsSeenAsEndOfStreamWithinOneSecond() throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(Mode.PROCESS, "writer", uri, "open", "write-pattern=1000,100", "ready", "hang");
        try (IpcReader r = openReader(uri)) {
            peer.expect("READY", OPEN);
            ByteStreamContract.readVerify(r, 1000, 100, 0);
            AtomicLong eofAt = new AtomicLong();
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    int n = r.read(ByteBuffer.allocate(10));
                    eofAt.set(System.nanoTime());
                    return n;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(200L * SLOWNESS);
            long killedAt = System.nanoTime();
            peer.kill();
            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(Duration.ofNanos(eofAt.get() - killedAt)).isLessThan(Duration.ofSeconds(SLOWNESS));
        }
    }

    /** The contract's bound: a SIGKILLed reader gives the writer PeerClosedException within one second. */
    @Test
    void aKilledReaderProcessGivesTheWriterPeerClosedWithinOneSecond() throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(Mode.PROCESS, "reader", uri, "open", "ready", "hang");
        try (IpcWriter w = openWriter(uri)) {
            peer.expect("READY", OPEN);
            AtomicLong failedAt = new AtomicLong();
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                try {
                    while (true) {
                        w.write(b.clear()); // blocks once the channel is full
                    }
                } catch (Exception e) {
                    failedAt.set(System.nanoTime());
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(300L * SLOWNESS);
            long killedAt = System.nanoTime();
            peer.kill();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> write.get(10, TimeUnit.SECONDS));
            assertThat(e.getCause()).hasCauseInstanceOf(PeerClosedException.class);
            assertThat(Duration.ofNanos(failedAt.get() - killedAt)).isLessThan(Duration.ofSeconds(SLOWNESS));
        }
    }
}
