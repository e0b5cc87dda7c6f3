package org.sipcity.stack.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.framing.FramingConfig;
import org.sipcity.stack.framing.FramingError;
import org.sipcity.stack.framing.KeepAlive;

class SipStreamDecoderTest {

    private static final String FIRST = "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\n"
            + "Call-ID: a\r\nCSeq: 1 REGISTER\r\nContent-Length: 4\r\n\r\nbody";
    private static final String SECOND = "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK2\r\n"
            + "Call-ID: b\r\nCSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    private static final String STREAM = FIRST + "\r\n\r\n" + SECOND;

    @Test
    void cutsTheSameItemsWhereverTheStreamIsSplit() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.US_ASCII);
        for (int split = 1; split < bytes.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new SipStreamDecoder(FramingConfig.defaults()));
            ByteBuf head = Unpooled.buffer(split).writeBytes(bytes, 0, split);
            ByteBuf tail = Unpooled.buffer(bytes.length - split).writeBytes(bytes, split, bytes.length - split);
            channel.writeInbound(head);
            channel.writeInbound(tail);

            // A ping cut in its middle first reads as a pong, then as a ping (documented by SipStreamFramer):
            // the pong is harmless, and the ping is still answered.
            List<String> expected = split == FIRST.length() + 2
                    ? List.of(FIRST, "PONG", "PING", SECOND) : List.of(FIRST, "PING", SECOND);
            assertThat(drain(channel)).as("split at %d", split).isEqualTo(expected);
            // Once the messages are released nothing is left holding the received bytes: the decoder keeps no
            // buffer while the connection is idle.
            assertThat(head.refCnt()).as("split at %d", split).isZero();
            assertThat(tail.refCnt()).as("split at %d", split).isZero();
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void keepsOnlyThePartialMessageBetweenReads() {
        EmbeddedChannel channel = new EmbeddedChannel(new SipStreamDecoder(FramingConfig.defaults()));
        ByteBuf whole = Unpooled.copiedBuffer(FIRST, StandardCharsets.US_ASCII);
        ByteBuf partial = Unpooled.copiedBuffer(SECOND.substring(0, 10), StandardCharsets.US_ASCII);

        channel.writeInbound(whole);
        assertThat(drain(channel)).containsExactly(FIRST);
        assertThat(whole.refCnt()).isZero();

        channel.writeInbound(partial);
        assertThat(drain(channel)).isEmpty();
        channel.writeInbound(Unpooled.copiedBuffer(SECOND.substring(10), StandardCharsets.US_ASCII));
        assertThat(drain(channel)).containsExactly(SECOND);
        assertThat(partial.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void discardsEverythingAfterAFramingError() {
        EmbeddedChannel channel = new EmbeddedChannel(new SipStreamDecoder(FramingConfig.defaults()));
        String noContentLength = "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: c\r\n\r\n";

        channel.writeInbound(Unpooled.copiedBuffer(noContentLength + FIRST, StandardCharsets.US_ASCII));
        channel.writeInbound(Unpooled.copiedBuffer(SECOND, StandardCharsets.US_ASCII));

        List<Object> items = new ArrayList<>();
        for (Object item; (item = channel.readInbound()) != null; ) {
            items.add(item);
        }
        assertThat(items).singleElement().isInstanceOf(FramingError.class);
        FramingError error = (FramingError) items.get(0);
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.headBytes().toString(StandardCharsets.US_ASCII)).isEqualTo(noContentLength);
        error.release();
        assertThat(channel.finish()).isFalse();
    }

    /** Items as text; messages released; the keep-alives by name. */
    private static List<String> drain(EmbeddedChannel channel) {
        List<String> items = new ArrayList<>();
        for (Object item; (item = channel.readInbound()) != null; ) {
            if (item instanceof ByteBuf message) {
                items.add(message.toString(StandardCharsets.US_ASCII));
                message.release();
            } else {
                items.add(((KeepAlive) item).name());
            }
        }
        return items;
    }
}
