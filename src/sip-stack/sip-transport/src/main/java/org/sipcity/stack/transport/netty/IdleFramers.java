package org.sipcity.stack.transport.netty;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import org.sipcity.stack.framing.FramingConfig;
import org.sipcity.stack.framing.SipStreamFramer;

/**
 * The framers of one connector that hold nothing of any stream, kept per event-loop thread for the next connection
 * that receives bytes. A connection takes a framer when bytes arrive and gives it back as soon as it is between
 * messages again ({@link SipStreamFramer#isBetweenMessages()}), so an idle connection holds no framer, as it holds
 * no buffer, and a busy one allocates none per read. Only the connection's own event loop touches its framer, so a
 * thread's framers need no lock. At most {@value #MAX_PER_THREAD} are kept per thread (a few KB); more are left to
 * the collector.
 */
final class IdleFramers {

    static final int MAX_PER_THREAD = 64;

    private final FramingConfig config;
    private final FastThreadLocal<ArrayDeque<SipStreamFramer>> idle = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<SipStreamFramer> initialValue() {
            return new ArrayDeque<>(MAX_PER_THREAD);
        }
    };

    IdleFramers(FramingConfig config) {
        this.config = config;
    }

    /** A framer between messages: an idle one of this thread, or a new one. */
    SipStreamFramer take() {
        SipStreamFramer framer = idle.get().pollLast();
        return framer != null ? framer : new SipStreamFramer(config);
    }

    /** Takes back a framer that {@link SipStreamFramer#isBetweenMessages() is between messages}. */
    void giveBack(SipStreamFramer framer) {
        ArrayDeque<SipStreamFramer> framers = idle.get();
        if (framers.size() < MAX_PER_THREAD) {
            framer.reset();
            framers.addLast(framer);
        }
    }
}
