package io.myipc.internal.posix;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Helpers between direct {@link ByteBuffer}s and native addresses. */
public final class NativeMemory {
    private NativeMemory() {
    }

    /** The native address of the first byte of a direct buffer (its index 0, not its position). */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    /** A direct buffer over {@code length} bytes of native memory at {@code address} (native byte order). */
    public static ByteBuffer buffer(long address, long length) {
        return new Pointer(address).getByteBuffer(0, length).order(ByteOrder.nativeOrder());
    }

    /** A new zeroed direct buffer in native byte order. */
    public static ByteBuffer allocate(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }
}
