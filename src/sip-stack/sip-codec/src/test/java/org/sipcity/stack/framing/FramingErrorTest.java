package org.sipcity.stack.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FramingErrorTest {

    @Test
    void releasingTheErrorReleasesItsHead() {
        ByteBuf buffer = Unpooled.copiedBuffer(SampleMessages.REGISTER);
        FramingError error = new FramingError(400, "Missing Content-Length", buffer.retainedSlice(0, 10));
        assertThat(buffer.refCnt()).isEqualTo(2);

        error.retain();
        assertThat(error.refCnt()).isEqualTo(3);
        assertThat(error.release()).isFalse();
        assertThat(ReferenceCountUtil.release(error)).isFalse();
        assertThat(buffer.refCnt()).isEqualTo(1);
        buffer.release();
    }

    @Test
    void anErrorWithoutHeadHasNothingToRelease() {
        FramingError error = new FramingError(400, "Invalid Start Of Message", null);
        assertThat(error.release()).isFalse();
        assertThat(error.retain()).isSameAs(error);
        assertThat(error.touch("hint")).isSameAs(error);
        assertThat(error.refCnt()).isEqualTo(1);
        assertThat(error).hasToString("FramingError[400 Invalid Start Of Message]");
    }

    @Test
    void namesTheFaultAndTheHeadSizeWhenPrinted() {
        FramingError error = FramingFault.MESSAGE_TOO_LARGE.toError(Unpooled.copiedBuffer(new byte[42]));
        assertThat(error).hasToString("FramingError[513 Message Too Large, 42 head bytes]");
        assertThat(error.release()).isTrue();
    }
}
