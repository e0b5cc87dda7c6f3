package org.sipcity.stack.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.sipcity.stack.framing.FramingError;

/**
 * A test core: records what arrives and answers every request on the flow it came on with a 200 naming the
 * request line in an {@code X-Request} header. Responses are recorded, never answered.
 */
final class EchoHandler implements InboundHandler {

    record Received(Flow flow, String text) {
    }

    final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Flow> opened = new LinkedBlockingQueue<>();
    final BlockingQueue<Flow> closed = new LinkedBlockingQueue<>();
    final BlockingQueue<FramingError> framingErrors = new LinkedBlockingQueue<>();
    final BlockingQueue<Boolean> sendResults = new LinkedBlockingQueue<>();
    /** Whether the flow was still open while onFramingError ran (the transport closes only afterwards). */
    final BlockingQueue<Boolean> openDuringFramingError = new LinkedBlockingQueue<>();
    /** Names of the threads onMessage ran on. */
    final BlockingQueue<String> threads = new LinkedBlockingQueue<>();
    /** onMessage throws (after releasing) for a message containing this text. */
    volatile String failOn = "\u0000never";

    @Override
    public void onMessage(Flow flow, ByteBuf message) {
        String text;
        try {
            text = message.toString(StandardCharsets.UTF_8);
        } finally {
            message.release();
        }
        threads.add(Thread.currentThread().getName());
        if (text.contains(failOn)) {
            throw new IllegalStateException("test handler fails on purpose");
        }
        messages.add(new Received(flow, text));
        if (!text.startsWith("SIP/2.0")) {
            String requestLine = text.substring(0, text.indexOf("\r\n"));
            sendResults.add(flow.send(ascii("SIP/2.0 200 OK\r\nX-Request: " + requestLine
                    + "\r\nX-Flow: " + flow.id() + "\r\nContent-Length: 0\r\n\r\n")));
        }
    }

    @Override
    public void onFramingError(Flow flow, FramingError error) {
        openDuringFramingError.add(flow.isOpen());
        flow.send(ascii("SIP/2.0 " + error.statusCode() + " " + error.reasonPhrase() + "\r\nContent-Length: 0\r\n\r\n"));
        framingErrors.add(error); // last: the test wakes on it
    }

    @Override
    public void onFlowOpened(Flow flow) {
        opened.add(flow);
    }

    @Override
    public void onFlowClosed(Flow flow) {
        closed.add(flow);
    }

    static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
