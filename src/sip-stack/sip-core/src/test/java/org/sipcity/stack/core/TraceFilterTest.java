package org.sipcity.stack.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte scan that decides whether a message is parsed for an AOR comparison. */
class TraceFilterTest {

    private final TraceFilter alice = TraceFilter.of(null, "sip:alice@example.com");

    private static ByteBuf direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return Unpooled.directBuffer(bytes.length + 8).writeZero(3).writeBytes(bytes).skipBytes(3);
    }

    @Test
    void findsTheUserPartAnywhereIgnoringCaseWithinTheReadableBytesOnly() {
        assertThat(alice.mayNameAor(direct("alice"))).isTrue();
        assertThat(alice.mayNameAor(direct("To: <sip:ALICE@x>"))).isTrue();
        assertThat(alice.mayNameAor(direct("From: alialicE"))).as("a false start before the match").isTrue();
        assertThat(alice.mayNameAor(direct("From: alic"))).as("cut at the end").isFalse();
        assertThat(alice.mayNameAor(direct("From: a l i c e"))).isFalse();
        assertThat(alice.mayNameAor(direct(""))).isFalse();
        ByteBuf afterReader = direct("xxalice");
        afterReader.skipBytes(3);
        assertThat(alice.mayNameAor(afterReader)).as("bytes before the reader index do not count").isFalse();
    }
}
