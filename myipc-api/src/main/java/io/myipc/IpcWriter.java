package io.myipc;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;

/**
 * The writing end of a channel: a byte stream with pipe semantics.
 *
 * <ul>
 * <li>Blocking by default: {@link #write(ByteBuffer)} returns when all of {@code src} has been accepted.</li>
 * <li>{@link #write(ByteBuffer, Duration)} gives up at the deadline with {@link IpcTimeoutException} (whose
 *     {@code bytesTransferred} tells how much was written); {@link #tryWrite(ByteBuffer)} never waits.</li>
 * <li>When the reader is gone (closed or died) writes throw {@link PeerClosedException}.</li>
 * <li>A blocked call ends when its thread is interrupted ({@link java.nio.channels.ClosedByInterruptException}, the
 *     channel is then closed, as in NIO) or when another thread closes the channel
 *     ({@link java.nio.channels.AsynchronousCloseException}).</li>
 * <li>Zero-copy: {@link #claim(int)} hands out {@code n} contiguous bytes of transport memory to fill, then
 *     {@link #commit(int)} publishes them (or {@link #abort()} drops them). Without {@link Capability#ZERO_COPY}
 *     the claim is a buffer owned by this
 *     end and commit copies it once into the transport.</li>
 * <li>Messages: {@link #writeMessage(ByteBuffer)} writes a length-prefixed message that
 *     {@link IpcReader#readMessage()} returns whole.</li>
 * </ul>
 * One writer per channel, used by one thread at a time (calls are serialised); {@link #close()} may be called from any
 * thread.
 */
public interface IpcWriter extends IpcEnd, WritableByteChannel {

    /** Writes all of {@code src}, waiting for space as needed. Returns the number of bytes written. */
    @Override
    int write(ByteBuffer src) throws IOException;

    /** Writes all of {@code src} or throws {@link IpcTimeoutException} when {@code timeout} has passed first. */
    int write(ByteBuffer src, Duration timeout) throws IOException;

    /** Writes as much of {@code src} as fits now without waiting; returns the count, possibly 0. */
    int tryWrite(ByteBuffer src) throws IOException;

    /** Writes all readable bytes of {@code src} (advancing its reader index); returns the count. */
    int write(ByteBuf src) throws IOException;

    int write(ByteBuf src, Duration timeout) throws IOException;

    int tryWrite(ByteBuf src) throws IOException;

    /**
     * Claims {@code n} contiguous writable bytes (waits until the transport has room). The returned buffer has
     * reader and writer index 0 and capacity {@code n}; fill it with {@code writeXxx}/{@code setXxx} and call
     * {@link #commit(int)}. The buffer is this end's, reused by its next claim: it is valid until {@link #commit(int)}
     * or {@link #abort()}, and the caller never {@code release()}s it. {@code n} must not exceed
     * {@link #maxClaimSize()}.
     */
    ByteBuf claim(int n) throws IOException;

    /** As {@link #claim(int)}, throwing {@link IpcTimeoutException} if the room is not there within the timeout. */
    ByteBuf claim(int n, Duration timeout) throws IOException;

    /**
     * Publishes the first {@code n} bytes of the last claim ({@code n} may be smaller than claimed, 0 abandons it).
     * Without {@link Capability#ZERO_COPY} this writes the bytes and may block like {@link #write(ByteBuffer)}.
     */
    void commit(int n) throws IOException;

    /**
     * Abandons the outstanding {@link #claim(int)} or {@link #claimMessage(int)}: nothing of it is published and the
     * end accepts writes again. Does nothing when no claim is outstanding.
     */
    void abort() throws IOException;

    /** The largest {@code n} {@link #claim(int)} accepts. */
    int maxClaimSize();

    /** Writes one message: a length header and the remaining bytes of {@code message} (consumed). */
    void writeMessage(ByteBuffer message) throws IOException;

    /** Writes one message made of the readable bytes of {@code message} (reader index advanced). */
    void writeMessage(ByteBuf message) throws IOException;

    /**
     * Claims room for a message of up to {@code maxLength} bytes; fill the returned buffer and call
     * {@link #commitMessage(int)} (or {@link #abort()}). Zero-copy on zero-copy transports. The buffer follows the
     * rule of {@link #claim(int)}. {@code maxLength + 4} must not exceed
     * {@link #maxClaimSize()}.
     */
    ByteBuf claimMessage(int maxLength) throws IOException;

    /** Publishes the message of {@code length} bytes filled into the last {@link #claimMessage(int)}. */
    void commitMessage(int length) throws IOException;
}
