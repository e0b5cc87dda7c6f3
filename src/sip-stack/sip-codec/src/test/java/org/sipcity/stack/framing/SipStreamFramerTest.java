package org.sipcity.stack.framing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.FramerHarness.message;
import static org.sipcity.stack.framing.SampleMessages.ACK;
import static org.sipcity.stack.framing.SampleMessages.INVITE;
import static org.sipcity.stack.framing.SampleMessages.INVITE_OK;
import static org.sipcity.stack.framing.SampleMessages.REGISTER;
import static org.sipcity.stack.framing.SampleMessages.REGISTER_OK;
import static org.sipcity.stack.framing.SampleMessages.ascii;
import static org.sipcity.stack.framing.SampleMessages.concat;

class SipStreamFramerTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void cutsEachSampleMessageWholeWithItsBody(boolean direct) {
        for (byte[] sample : SampleMessages.ALL) {
            try (FramerHarness harness = new FramerHarness(FramingConfig.defaults(), direct)) {
                assertThat(harness.read(sample)).containsExactly(message(sample));
                assertThat(harness.pending()).isZero();
            }
        }
    }

    @Test
    void keepsAnIncompleteMessageInTheBufferUntilItsBodyArrives() {
        try (FramerHarness harness = new FramerHarness()) {
            int cut = INVITE.length - 10;
            assertThat(harness.read(INVITE, 0, cut)).isEmpty();
            assertThat(harness.pending()).isEqualTo(cut);
            assertThat(harness.read(INVITE, cut, 10)).containsExactly(message(INVITE));
            assertThat(harness.pending()).isZero();
        }
    }

    @Test
    void leavesTheStartOfTheNextMessageInTheBuffer() {
        try (FramerHarness harness = new FramerHarness()) {
            byte[] bytes = concat(REGISTER, java.util.Arrays.copyOf(INVITE, 100));
            assertThat(harness.read(bytes)).containsExactly(message(REGISTER));
            assertThat(harness.pending()).isEqualTo(100);
        }
    }

    @Test
    void emitsEveryMessageOfOneReadInStreamOrder() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(INVITE, INVITE_OK, ACK, REGISTER, REGISTER_OK))).containsExactly(
                    message(INVITE), message(INVITE_OK), message(ACK), message(REGISTER), message(REGISTER_OK));
        }
    }

    @Test
    void emitsSlicesOfTheCallersBufferRetainedForTheCaller() {
        ByteBuf in = Unpooled.copiedBuffer(concat(REGISTER, ACK));
        SipStreamFramer framer = new SipStreamFramer(FramingConfig.defaults());
        List<Object> out = new ArrayList<>();
        framer.decode(in, out);

        assertThat(out).hasSize(2);
        ByteBuf first = (ByteBuf) out.get(0);
        assertThat(first.unwrap()).isSameAs(in);
        assertThat(in.refCnt()).isEqualTo(3);
        assertThat(in.isReadable()).isFalse();
        in.release();
        out.forEach(item -> ((ByteBuf) item).release());
        assertThat(in.refCnt()).isZero();
    }

    @Test
    void refusesAllInputAfterAnErrorAndEmitsNothingMore() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(ascii("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: x\r\n\r\n")))
                    .singleElement().isInstanceOf(FramerHarness.Failure.class);
            assertThat(harness.pending()).isZero();
            assertThat(harness.read(REGISTER)).isEmpty();
            assertThat(harness.read(ascii("\r\n\r\n"))).isEmpty();
            assertThat(harness.pending()).isZero();
        }
    }

    @Test
    void resetStartsAfreshAfterAnError() {
        SipStreamFramer framer = new SipStreamFramer(FramingConfig.defaults());
        List<Object> out = new ArrayList<>();
        ByteBuf garbage = Unpooled.copiedBuffer(new byte[] {0x16, 0x03, 0x01});
        framer.decode(garbage, out);
        assertThat(out).singleElement().isInstanceOf(FramingError.class);
        garbage.release();

        framer.reset();
        out.clear();
        ByteBuf register = Unpooled.copiedBuffer(REGISTER);
        framer.decode(register, out);
        assertThat(out).hasSize(1);
        ((ByteBuf) out.get(0)).release();
        register.release();
    }

    @Test
    void resetForgetsAHalfScannedMessage() {
        SipStreamFramer framer = new SipStreamFramer(FramingConfig.defaults());
        List<Object> out = new ArrayList<>();
        ByteBuf half = Unpooled.copiedBuffer(INVITE, 0, 200);
        framer.decode(half, out);
        assertThat(out).isEmpty();
        half.release();

        framer.reset();
        ByteBuf ack = Unpooled.copiedBuffer(ACK);
        framer.decode(ack, out);
        assertThat(out).hasSize(1);
        assertThat(((ByteBuf) out.get(0)).readableBytes()).isEqualTo(ACK.length);
        ((ByteBuf) out.get(0)).release();
        ack.release();
    }

    @Test
    void anEmptyBufferProducesNothing() {
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(new byte[0])).isEmpty();
        }
    }

    @Test
    void doesNotLookInsideTheBodyForHeaderFields() {
        byte[] trap = SampleMessages.message("MESSAGE sip:bob@example.com SIP/2.0\r\nCall-ID: 1\r\n",
                "Content-Length: %d\r\n", "l: 99999\r\n\r\nContent-Length: -1\r\n\r\n");
        try (FramerHarness harness = new FramerHarness()) {
            assertThat(harness.read(concat(trap, ACK))).containsExactly(message(trap), message(ACK));
        }
    }
}
