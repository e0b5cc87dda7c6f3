package org.sipcity.stack.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.SampleMessages.ascii;

class HeadScannerTest {

    private static final byte[] HEAD = ascii("OPTIONS sip:a@b SIP/2.0\r\nContent-Length:\r\n 12\r\nCall-ID: x\r\n\r\n");

    @Test
    void returnsTheHeadLengthAndContentLengthOnceTheEmptyLineIsSeen() {
        HeadScanner scanner = new HeadScanner();
        ByteBuf in = Unpooled.wrappedBuffer(HEAD);
        assertThat(scanner.scan(in, 0, HEAD.length, 1000)).isEqualTo(HEAD.length);
        assertThat(scanner.contentLength()).isEqualTo(12);
    }

    @Test
    void resumesFromWhereItStoppedAtAnotherIndex() {
        HeadScanner scanner = new HeadScanner();
        for (int available = 0; available < HEAD.length; available++) {
            // The message moves inside the buffer between calls, as a compacted cumulation does.
            ByteBuf in = Unpooled.buffer().writeZero(available % 5).writeBytes(HEAD, 0, available);
            assertThat(scanner.scan(in, available % 5, available, 1000)).as("after %d bytes", available)
                    .isEqualTo(HeadScanner.NEED_MORE);
        }
        ByteBuf in = Unpooled.buffer().writeZero(3).writeBytes(HEAD);
        assertThat(scanner.scan(in, 3, HEAD.length, 1000)).isEqualTo(HEAD.length);
        assertThat(scanner.contentLength()).isEqualTo(12);
    }

    @Test
    void neverReadsAgainTheLinesItHasScanned() {
        // Scanned lines are overwritten with bare LFs between calls: reading them again would be a fault.
        HeadScanner scanner = new HeadScanner();
        ByteBuf in = Unpooled.buffer();
        int firstPart = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length:\r\n 12\r\nCall".length();
        in.writeBytes(HEAD, 0, firstPart);
        assertThat(scanner.scan(in, 0, firstPart, 1000)).isEqualTo(HeadScanner.NEED_MORE);
        int scannedLines = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length:\r\n 12\r\n".length();
        for (int i = 0; i < scannedLines; i++) {
            in.setByte(i, '\n');
        }
        in.writeBytes(HEAD, firstPart, HEAD.length - firstPart);
        assertThat(scanner.scan(in, 0, HEAD.length, 1000)).isEqualTo(HEAD.length);
        assertThat(scanner.contentLength()).isEqualTo(12);
    }

    @Test
    void reportsAMissingContentLengthAsMinusOne() {
        HeadScanner scanner = new HeadScanner();
        byte[] head = ascii("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n");
        assertThat(scanner.scan(Unpooled.wrappedBuffer(head), 0, head.length, 1000)).isEqualTo(head.length);
        assertThat(scanner.contentLength()).isEqualTo(-1);
    }

    @Test
    void resetForgetsEverything() {
        HeadScanner scanner = new HeadScanner();
        byte[] bad = ascii("OPTIONS sip:a@b SIP/2.0\r\nl: z\r\n");
        assertThat(scanner.scan(Unpooled.wrappedBuffer(bad), 0, bad.length, 1000)).isEqualTo(HeadScanner.FAULT);
        assertThat(scanner.fault()).isEqualTo(FramingFault.NON_NUMERIC_CONTENT_LENGTH);
        assertThat(scanner.faultHeadLength()).isEqualTo(bad.length);

        scanner.reset();
        assertThat(scanner.fault()).isNull();
        assertThat(scanner.scan(Unpooled.wrappedBuffer(HEAD), 0, HEAD.length, 1000)).isEqualTo(HEAD.length);
        assertThat(scanner.contentLength()).isEqualTo(12);
    }

    @Test
    void faultsWhenTheLimitIsReachedWithoutAnEmptyLine() {
        HeadScanner scanner = new HeadScanner();
        assertThat(scanner.scan(Unpooled.wrappedBuffer(HEAD), 0, HEAD.length, HEAD.length - 1)).isEqualTo(HeadScanner.FAULT);
        assertThat(scanner.fault()).isEqualTo(FramingFault.HEAD_TOO_LARGE);
        assertThat(scanner.faultHeadLength()).isEqualTo(HEAD.length - 1);
    }
}
