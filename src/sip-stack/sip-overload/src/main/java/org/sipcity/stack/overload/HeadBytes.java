package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The first {@link HeaderCursor#SCAN_LIMIT} bytes of a message as a byte array to scan: the buffer's own array
 * when it has one, otherwise a copy into a per-thread scratch array (one memory copy; every per-byte access to a
 * direct {@code ByteBuf} would pay index and reference-count checks). Valid until the thread's next call.
 */
final class HeadBytes {

    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[HeaderCursor.SCAN_LIMIT];
        }
    };

    final byte[] bytes;
    final int start;
    final int end;

    private HeadBytes(byte[] bytes, int start, int end) {
        this.bytes = bytes;
        this.start = start;
        this.end = end;
    }

    static HeadBytes of(ByteBuf message) {
        int length = Math.min(message.readableBytes(), HeaderCursor.SCAN_LIMIT);
        if (message.hasArray()) {
            int start = message.arrayOffset() + message.readerIndex();
            return new HeadBytes(message.array(), start, start + length);
        }
        byte[] scratch = SCRATCH.get();
        message.getBytes(message.readerIndex(), scratch, 0, length);
        return new HeadBytes(scratch, 0, length);
    }
}
