package org.sipcity.stack.classify;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The classifier runs on the I/O thread for every message: it must not allocate, not even a boxed value. This is
 * a correctness property, measured with the JVM's per-thread allocation counter, not a timing.
 */
class FirstLineClassifierAllocationTest {

    private static final int CALLS = 200_000;
    /** Far below one object per call (16 bytes at least): room for the counter's own noise. */
    private static final long BOUND = 64 * 1024;

    @Test
    void classifiesWithoutAllocatingOnArraysHeapAndDirectBuffers() {
        com.sun.management.ThreadMXBean threads = threadBean();
        assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);

        byte[][] messages = {
            ascii("INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n"),
            ascii("\r\n\r\nREGISTER sip:example.com SIP/2.0\r\n"),
            ascii("SIP/2.0 200 OK\r\nVia: x\r\n"),
            ascii("NEWMETHOD sip:bob@example.com SIP/2.0\r\n"),
            ascii("SIP/2.0 4294967301 bad\r\n"),
            ascii("SUBSCRIBE sip:bob@exa"),
        };
        ByteBuf[] heap = new ByteBuf[messages.length];
        ByteBuf[] direct = new ByteBuf[messages.length];
        for (int i = 0; i < messages.length; i++) {
            heap[i] = Unpooled.wrappedBuffer(messages[i]);
            direct[i] = Unpooled.directBuffer(messages[i].length).writeBytes(messages[i]);
        }
        long sink = run(messages, heap, direct);    // warm up: class loading and JIT are not under test

        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        sink += run(messages, heap, direct);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        for (ByteBuf buf : direct) {
            buf.release();
        }
        assertThat(sink).isNotZero();
        assertThat(allocated).as("bytes allocated by %d classifications", 3L * CALLS).isLessThan(BOUND);
    }

    private static long run(byte[][] messages, ByteBuf[] heap, ByteBuf[] direct) {
        long sink = 0;
        for (int n = 0; n < CALLS; n++) {
            int i = n % messages.length;
            long a = FirstLineClassifier.classify(messages[i], 0, messages[i].length);
            long b = FirstLineClassifier.classify(heap[i], 0, messages[i].length);
            long c = FirstLineClassifier.classify(direct[i], 0, messages[i].length);
            sink += FirstLineClassifier.kind(a).ordinal() + FirstLineClassifier.statusCode(b) + FirstLineClassifier.methodId(c);
            KnownMethod method = FirstLineClassifier.method(a);
            sink += method == null ? 1 : method.inDialogOnly() ? 2 : 3;
        }
        return sink;
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
