package org.sipcity.stack.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StunKeepAliveTest {

    private static ByteBuf bindingRequest() {
        ByteBuf stun = Unpooled.buffer(20);
        stun.writeShort(0x0001).writeShort(0).writeInt(0x2112A442);
        stun.writeBytes(new byte[12]); // transaction id
        return stun;
    }

    @Test
    void bindingRequestIsStun() {
        ByteBuf stun = bindingRequest();

        assertThat(StunKeepAlive.looksLikeStun(stun)).isTrue();
        assertThat(StunKeepAlive.isBindingRequest(stun)).isTrue();
    }

    /** Token characters below 0x40 may start a SIP method: such requests must reach the SIP parser. */
    @ParameterizedTest
    @ValueSource(strings = {"!interesting-Method", "%25METHOD", "0DIGIT", "*STAR", "+PLUS", "-DASH", ".DOT", "'QUOTE"})
    void sipRequestWhoseMethodStartsBelow0x40IsNotStun(String method) {
        ByteBuf sip = Unpooled.copiedBuffer(method + " sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n",
                StandardCharsets.US_ASCII);

        assertThat(StunKeepAlive.looksLikeStun(sip)).isFalse();
    }

    @Test
    void shortDatagramIsNotStun() {
        assertThat(StunKeepAlive.looksLikeStun(Unpooled.copiedBuffer("0\r\n", StandardCharsets.US_ASCII))).isFalse();
    }
}
