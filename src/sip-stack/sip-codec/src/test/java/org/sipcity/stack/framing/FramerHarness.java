package org.sipcity.stack.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives a {@link SipStreamFramer} as Netty's {@code ByteToMessageDecoder} does: one cumulation buffer per
 * connection, bytes appended as they arrive, the buffer compacted between reads (which moves the reader index
 * under the framer's feet). Turns what the framer emits into plain values and releases every slice, then checks
 * that nothing leaked.
 */
final class FramerHarness implements AutoCloseable {

    /** A message the framer cut, as its bytes. */
    record Message(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Message m && Arrays.equals(bytes, m.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Message[" + new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1) + "]";
        }
    }

    /** A framing error, with its head bytes as text (null if none). */
    record Failure(int statusCode, String reasonPhrase, String head) {
    }

    private final SipStreamFramer framer;
    private final ByteBufAllocator allocator;
    private final boolean direct;
    private ByteBuf cumulation;
    private int reads;
    private final List<Object> items = new ArrayList<>();

    FramerHarness(FramingConfig config, boolean direct) {
        this(new SipStreamFramer(config), direct);
    }

    FramerHarness(SipStreamFramer framer, boolean direct) {
        this.framer = framer;
        this.direct = direct;
        this.allocator = direct ? PooledByteBufAllocator.DEFAULT : UnpooledByteBufAllocator.DEFAULT;
        this.cumulation = newBuffer();
    }

    FramerHarness() {
        this(FramingConfig.defaults(), false);
    }

    /** Delivers one read. Returns the items this read produced. */
    List<Object> read(byte[] data, int offset, int length) {
        cumulation.writeBytes(data, offset, length);
        List<Object> out = new ArrayList<>();
        framer.decode(cumulation, out);
        List<Object> converted = new ArrayList<>(out.size());
        for (Object item : out) {
            converted.add(convert(item));
        }
        afterRead();
        items.addAll(converted);
        return converted;
    }

    List<Object> read(byte[] data) {
        return read(data, 0, data.length);
    }

    /** Delivers {@code data} in reads cut at the given ascending offsets. */
    List<Object> readSplit(byte[] data, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            read(data, from, cut - from);
            from = cut;
        }
        read(data, from, data.length - from);
        return items;
    }

    /** Every item emitted so far, in order. */
    List<Object> items() {
        return items;
    }

    /** Whether the framer holds nothing of the stream ({@link SipStreamFramer#isBetweenMessages()}). */
    boolean framerBetweenMessages() {
        return framer.isBetweenMessages();
    }

    /** Bytes still held in the cumulation buffer: the start of a message not complete yet. */
    int pending() {
        return cumulation.readableBytes();
    }

    @Override
    public void close() {
        if (!cumulation.release()) {
            throw new AssertionError("a slice of the cumulation buffer was not released: refCnt " + cumulation.refCnt());
        }
    }

    /**
     * Every other read compacts the buffer in place; the others move the unread bytes to a new buffer at another
     * index, as the merge cumulator does while slices are still held. The framer must not care either way.
     */
    private void afterRead() {
        if (++reads % 2 == 0) {
            cumulation.discardReadBytes();
            return;
        }
        ByteBuf moved = newBuffer();
        moved.writerIndex(reads % 13).readerIndex(reads % 13);
        moved.writeBytes(cumulation);
        cumulation.release();
        cumulation = moved;
    }

    private ByteBuf newBuffer() {
        return direct ? allocator.directBuffer(256) : allocator.heapBuffer(256);
    }

    private static Object convert(Object item) {
        if (item instanceof ByteBuf frame) {
            try {
                return new Message(ByteBufUtil.getBytes(frame));
            } finally {
                frame.release();
            }
        }
        if (item instanceof FramingError error) {
            try {
                ByteBuf head = error.headBytes();
                return new Failure(error.statusCode(), error.reasonPhrase(),
                        head == null ? null : head.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
            } finally {
                error.release();
            }
        }
        if (item instanceof KeepAlive) {
            return item;
        }
        throw new AssertionError("unexpected item " + item);
    }

    static Message message(byte[] bytes) {
        return new Message(bytes);
    }
}
