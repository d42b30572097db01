package io.myipc.internal;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * The one {@link ByteBuf} an end hands out for a claim or a view: re-pointed at each call to a window of a
 * {@link ByteBuffer} (the ring's data area, or the end's own buffer), so a claim or a view allocates nothing. It is
 * not reference counted ({@link #release()} does nothing and returns {@code false}); it is valid until the next
 * commit, release or call of its end. Used by one thread at a time, like its end.
 */
final class FlyweightByteBuf extends AbstractByteBuf {
    private ByteBuffer base;
    private ByteBuffer bb; // base in big-endian order (Netty's order), made when base changes
    private int off;
    private int length;
    private boolean readOnly;

    FlyweightByteBuf() {
        super(0);
        setIndex(0, 0);
    }

    /**
     * Points this buffer at {@code length} bytes of {@code base} from {@code offset}; indices 0 and {@code length}
     * for a view ({@code readOnly}), 0 and 0 for a claim. Allocates only when {@code base} is not the last one.
     */
    FlyweightByteBuf reset(ByteBuffer base, int offset, int length, boolean readOnly) {
        if (base != this.base) {
            this.base = base;
            this.bb = base.duplicate().clear().order(ByteOrder.BIG_ENDIAN); // absolute access up to capacity
        }
        this.off = offset;
        this.length = length;
        this.readOnly = readOnly;
        maxCapacity(length);
        setIndex(0, readOnly ? length : 0);
        markReaderIndex();
        markWriterIndex();
        return this;
    }

    private void checkWritableMemory() {
        if (readOnly) {
            throw new ReadOnlyBufferException();
        }
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    protected byte _getByte(int index) {
        return bb.get(off + index);
    }

    @Override
    protected short _getShort(int index) {
        return bb.getShort(off + index);
    }

    @Override
    protected short _getShortLE(int index) {
        return Short.reverseBytes(bb.getShort(off + index));
    }

    @Override
    protected int _getUnsignedMedium(int index) {
        return (bb.get(off + index) & 0xff) << 16 | (bb.get(off + index + 1) & 0xff) << 8
                | bb.get(off + index + 2) & 0xff;
    }

    @Override
    protected int _getUnsignedMediumLE(int index) {
        return bb.get(off + index) & 0xff | (bb.get(off + index + 1) & 0xff) << 8
                | (bb.get(off + index + 2) & 0xff) << 16;
    }

    @Override
    protected int _getInt(int index) {
        return bb.getInt(off + index);
    }

    @Override
    protected int _getIntLE(int index) {
        return Integer.reverseBytes(bb.getInt(off + index));
    }

    @Override
    protected long _getLong(int index) {
        return bb.getLong(off + index);
    }

    @Override
    protected long _getLongLE(int index) {
        return Long.reverseBytes(bb.getLong(off + index));
    }

    @Override
    protected void _setByte(int index, int value) {
        checkWritableMemory();
        bb.put(off + index, (byte) value);
    }

    @Override
    protected void _setShort(int index, int value) {
        checkWritableMemory();
        bb.putShort(off + index, (short) value);
    }

    @Override
    protected void _setShortLE(int index, int value) {
        checkWritableMemory();
        bb.putShort(off + index, Short.reverseBytes((short) value));
    }

    @Override
    protected void _setMedium(int index, int value) {
        checkWritableMemory();
        bb.put(off + index, (byte) (value >>> 16));
        bb.put(off + index + 1, (byte) (value >>> 8));
        bb.put(off + index + 2, (byte) value);
    }

    @Override
    protected void _setMediumLE(int index, int value) {
        checkWritableMemory();
        bb.put(off + index, (byte) value);
        bb.put(off + index + 1, (byte) (value >>> 8));
        bb.put(off + index + 2, (byte) (value >>> 16));
    }

    @Override
    protected void _setInt(int index, int value) {
        checkWritableMemory();
        bb.putInt(off + index, value);
    }

    @Override
    protected void _setIntLE(int index, int value) {
        checkWritableMemory();
        bb.putInt(off + index, Integer.reverseBytes(value));
    }

    @Override
    protected void _setLong(int index, long value) {
        checkWritableMemory();
        bb.putLong(off + index, value);
    }

    @Override
    protected void _setLongLE(int index, long value) {
        checkWritableMemory();
        bb.putLong(off + index, Long.reverseBytes(value));
    }

    @Override
    public int capacity() {
        return length;
    }

    @Override
    public ByteBuf capacity(int newCapacity) {
        if (newCapacity != length) {
            throw new UnsupportedOperationException("a claim or view has a fixed capacity of " + length + " bytes");
        }
        return this;
    }

    @Override
    public ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    @SuppressWarnings("deprecation")
    public ByteOrder order() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public ByteBuf unwrap() {
        return null;
    }

    @Override
    public boolean isDirect() {
        return bb == null || bb.isDirect();
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int len) {
        checkDstIndex(index, len, dstIndex, dst.capacity());
        if (dst.hasArray()) {
            bb.get(off + index, dst.array(), dst.arrayOffset() + dstIndex, len);
        } else if (dst.nioBufferCount() == 1) {
            ByteBuffer d = dst.internalNioBuffer(dstIndex, len); // the buffer's own cached NIO view
            d.put(d.position(), bb, off + index, len);
        } else {
            dst.setBytes(dstIndex, bb.slice(off + index, len));
        }
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, byte[] dst, int dstIndex, int len) {
        checkDstIndex(index, len, dstIndex, dst.length);
        bb.get(off + index, dst, dstIndex, len);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuffer dst) {
        int len = dst.remaining();
        checkIndex(index, len);
        int p = dst.position();
        dst.put(p, bb, off + index, len);
        dst.position(p + len);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, OutputStream out, int len) throws IOException {
        checkIndex(index, len);
        byte[] tmp = new byte[len];
        bb.get(off + index, tmp, 0, len);
        out.write(tmp);
        return this;
    }

    @Override
    public int getBytes(int index, GatheringByteChannel out, int len) throws IOException {
        checkIndex(index, len);
        return out.write(bb.slice(off + index, len));
    }

    @Override
    public int getBytes(int index, FileChannel out, long position, int len) throws IOException {
        checkIndex(index, len);
        return out.write(bb.slice(off + index, len), position);
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int len) {
        checkWritableMemory();
        checkSrcIndex(index, len, srcIndex, src.capacity());
        src.getBytes(srcIndex, bb.slice(off + index, len));
        return this;
    }

    @Override
    public ByteBuf setBytes(int index, byte[] src, int srcIndex, int len) {
        checkWritableMemory();
        checkSrcIndex(index, len, srcIndex, src.length);
        bb.put(off + index, src, srcIndex, len);
        return this;
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuffer src) {
        checkWritableMemory();
        int len = src.remaining();
        checkIndex(index, len);
        bb.put(off + index, src, src.position(), len);
        src.position(src.position() + len);
        return this;
    }

    @Override
    public int setBytes(int index, InputStream in, int len) throws IOException {
        checkWritableMemory();
        checkIndex(index, len);
        byte[] tmp = in.readNBytes(len);
        bb.put(off + index, tmp, 0, tmp.length);
        return tmp.length == 0 && len > 0 ? -1 : tmp.length;
    }

    @Override
    public int setBytes(int index, ScatteringByteChannel in, int len) throws IOException {
        checkWritableMemory();
        checkIndex(index, len);
        return in.read(bb.slice(off + index, len));
    }

    @Override
    public int setBytes(int index, FileChannel in, long position, int len) throws IOException {
        checkWritableMemory();
        checkIndex(index, len);
        return in.read(bb.slice(off + index, len), position);
    }

    @Override
    public ByteBuf copy(int index, int len) {
        checkIndex(index, len);
        ByteBuf c = Unpooled.directBuffer(len, len);
        c.writeBytes(bb.slice(off + index, len));
        return c;
    }

    @Override
    public int nioBufferCount() {
        return 1;
    }

    @Override
    public ByteBuffer nioBuffer(int index, int len) {
        checkIndex(index, len);
        ByteBuffer s = bb.slice(off + index, len);
        return readOnly ? s.asReadOnlyBuffer() : s;
    }

    @Override
    public ByteBuffer internalNioBuffer(int index, int len) {
        return nioBuffer(index, len);
    }

    @Override
    public ByteBuffer[] nioBuffers(int index, int len) {
        return new ByteBuffer[] {nioBuffer(index, len)};
    }

    @Override
    public boolean hasArray() {
        return false;
    }

    @Override
    public byte[] array() {
        throw new UnsupportedOperationException("a claim or view has no backing array");
    }

    @Override
    public int arrayOffset() {
        throw new UnsupportedOperationException("a claim or view has no backing array");
    }

    @Override
    public boolean hasMemoryAddress() {
        return false;
    }

    @Override
    public long memoryAddress() {
        throw new UnsupportedOperationException("a claim or view does not expose its memory address");
    }

    @Override
    public int refCnt() {
        return 1;
    }

    @Override
    public ByteBuf retain(int increment) {
        return this;
    }

    @Override
    public ByteBuf retain() {
        return this;
    }

    @Override
    public ByteBuf touch() {
        return this;
    }

    @Override
    public ByteBuf touch(Object hint) {
        return this;
    }

    /** Does nothing: the end owns this buffer ({@code commit}/{@code release} end its use). */
    @Override
    public boolean release() {
        return false;
    }

    /** Does nothing: the end owns this buffer ({@code commit}/{@code release} end its use). */
    @Override
    public boolean release(int decrement) {
        return false;
    }
}
