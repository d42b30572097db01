package io.myipc;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;

/**
 * The reading end of a channel: a byte stream with pipe semantics.
 *
 * <ul>
 * <li>{@link #read(ByteBuffer)} blocks until at least one byte is available and returns what is there (up to
 *     {@code dst.remaining()}), or -1 at end of stream: the writer has closed (or died) and every byte has been
 *     read.</li>
 * <li>{@link #read(ByteBuffer, Duration)} throws {@link IpcTimeoutException} when nothing came in time;
 *     {@link #tryRead(ByteBuffer)} returns 0 when nothing is available now.</li>
 * <li>A blocked call ends when its thread is interrupted ({@link java.nio.channels.ClosedByInterruptException}, the
 *     channel is then closed) or the channel is closed by another thread
 *     ({@link java.nio.channels.AsynchronousCloseException}).</li>
 * <li>Zero-copy: {@link #view()} returns a read-only view of the readable bytes without consuming them;
 *     {@link #release(int)} consumes. Without {@link Capability#ZERO_COPY} the view is a buffer of this end.</li>
 * <li>Messages: {@link #readMessage()} returns the next whole message written by {@link IpcWriter#writeMessage}.</li>
 * </ul>
 */
public interface IpcReader extends IpcEnd, ReadableByteChannel {

    @Override
    int read(ByteBuffer dst) throws IOException;

    int read(ByteBuffer dst, Duration timeout) throws IOException;

    /** Reads what is available now without waiting: the count, 0 if nothing is there, -1 at end of stream. */
    int tryRead(ByteBuffer dst) throws IOException;

    /** Reads into the writable bytes of {@code dst} (advancing its writer index); as {@link #read(ByteBuffer)}. */
    int read(ByteBuf dst) throws IOException;

    int read(ByteBuf dst, Duration timeout) throws IOException;

    int tryRead(ByteBuf dst) throws IOException;

    /**
     * Waits until at least one byte is readable and returns a read-only view of the readable bytes (at least 1), or an
     * empty buffer at end of stream. The bytes stay readable until {@link #release(int)}. The buffer is this end's,
     * reused by its next view: it is valid until {@link #release(int)} or the next call on this end, and the caller
     * never {@code release()}s it.
     */
    ByteBuf view() throws IOException;

    /** As {@link #view()}, throwing {@link IpcTimeoutException} if nothing came within the timeout. */
    ByteBuf view(Duration timeout) throws IOException;

    /** Consumes the first {@code n} bytes of the last view. */
    void release(int n) throws IOException;

    /**
     * Reads the next message into a new buffer owned by the caller, or returns {@code null} at end of stream.
     * Throws {@link IpcProtocolException} if the stream ends inside a message or a header is over the limit.
     */
    ByteBuf readMessage() throws IOException;

    /** As {@link #readMessage()} with a timeout for the arrival of the message's first byte. */
    ByteBuf readMessage(Duration timeout) throws IOException;

    /**
     * Reads the next message into {@code dst} (growing it as {@link ByteBuf#ensureWritable(int)} does, advancing its
     * writer index) without a buffer of its own; returns the message length, or -1 at end of stream.
     */
    int readMessage(ByteBuf dst) throws IOException;

    /**
     * Returns the next message as a read-only view of transport memory (zero-copy where the transport is), or
     * {@code null} at end of stream. The buffer is this end's, reused by its next view: it is valid until {@link
     * #releaseMessage()}, which must be called before any other read, and the caller never {@code release()}s it.
     * Messages larger than the transport's contiguous window are returned as a copy.
     */
    ByteBuf viewMessage() throws IOException;

    /**
     * As {@link #viewMessage()} with a timeout for the arrival of the message's first byte: throws
     * {@link IpcTimeoutException} when nothing came in time; the channel stays usable.
     */
    ByteBuf viewMessage(Duration timeout) throws IOException;

    /** Consumes the message returned by {@link #viewMessage()}. */
    void releaseMessage() throws IOException;
}
