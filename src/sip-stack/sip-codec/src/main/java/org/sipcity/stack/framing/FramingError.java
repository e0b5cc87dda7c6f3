package org.sipcity.stack.framing;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * The framing of a stream is lost: what to answer and what was read of the offending message.
 *
 * <p>The caller answers with {@code statusCode} and {@code reasonPhrase} if it can build a response from
 * {@code headBytes} (a request whose Via, From, To, Call-ID and CSeq can be read), then closes the connection:
 * the framer refuses the rest of the stream.
 *
 * <p>{@code headBytes} is a retained slice of the caller's buffer: release this error (or its head) when done.
 * It is reference counted for that reason, so that Netty's {@code ReferenceCountUtil.release} and the pipeline's
 * tail release it like any other message.
 *
 * @param statusCode   the SIP status to answer with: 400 or 513
 * @param reasonPhrase a reason phrase naming the fault, such as {@code "Missing Content-Length"}
 * @param headBytes    what was read of the message head, from its first byte; {@code null} when nothing
 *                     that could be a message head was read (garbage)
 */
public record FramingError(int statusCode, String reasonPhrase, ByteBuf headBytes) implements ReferenceCounted {

    @Override
    public int refCnt() {
        return headBytes == null ? 1 : headBytes.refCnt();
    }

    @Override
    public FramingError retain() {
        if (headBytes != null) {
            headBytes.retain();
        }
        return this;
    }

    @Override
    public FramingError retain(int increment) {
        if (headBytes != null) {
            headBytes.retain(increment);
        }
        return this;
    }

    @Override
    public FramingError touch() {
        if (headBytes != null) {
            headBytes.touch();
        }
        return this;
    }

    @Override
    public FramingError touch(Object hint) {
        if (headBytes != null) {
            headBytes.touch(hint);
        }
        return this;
    }

    @Override
    public boolean release() {
        return headBytes != null && headBytes.release();
    }

    @Override
    public boolean release(int decrement) {
        return headBytes != null && headBytes.release(decrement);
    }

    @Override
    public String toString() {
        return "FramingError[" + statusCode + " " + reasonPhrase
                + (headBytes == null ? "" : ", " + headBytes.readableBytes() + " head bytes") + "]";
    }
}
