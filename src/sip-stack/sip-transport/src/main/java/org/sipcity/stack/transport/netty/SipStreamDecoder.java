package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.sipcity.stack.framing.FramingConfig;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.framing.SipStreamFramer;

/**
 * Cuts a TCP or TLS byte stream into whole SIP messages with {@link SipStreamFramer}; parses nothing.
 * Emits a {@link ByteBuf} per message (a retained slice), {@code KeepAlive} items and at most one
 * {@link FramingError}, after which the rest of the stream is discarded: where the next message starts
 * can no longer be known (RFC 3261 §18.3).
 *
 * <p>No buffer is kept while the connection is idle: {@link ByteToMessageDecoder} releases its cumulation
 * as soon as every byte of it was consumed, and the merge cumulator copies only a partial message left
 * behind, never a consumed one. At end of stream a partial message is dropped with the connection.
 */
public final class SipStreamDecoder extends ByteToMessageDecoder {

    private final SipStreamFramer framer;
    private boolean failed;

    /** A decoder for the end that accepted the connection (a server). */
    public SipStreamDecoder(FramingConfig config) {
        this(new SipStreamFramer(config));
    }

    private SipStreamDecoder(SipStreamFramer framer) {
        this.framer = framer;
    }

    /**
     * A decoder for the end that opened the connection (a UA or a load generator): it sends the pings, so every lone
     * CRLF it reads is a pong ({@link SipStreamFramer#forConnectingEnd}).
     */
    public static SipStreamDecoder forConnectingEnd(FramingConfig config) {
        return new SipStreamDecoder(SipStreamFramer.forConnectingEnd(config));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int first = out.size();
        framer.decode(in, out);
        for (int i = first; i < out.size(); i++) {
            if (out.get(i) instanceof FramingError) {
                failed = true;
                in.skipBytes(in.readableBytes());
                return;
            }
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        framer.reset();
    }
}
