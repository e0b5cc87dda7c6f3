package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutorGroup;
import org.sipcity.stack.classify.FirstLineClassifier;
import org.sipcity.stack.transport.DatagramDrops;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.ReadSaturationMeter;

/**
 * Decides, for each whole message, before it is parsed, whether the server takes it in. It runs on the event
 * loop that read the message (Ono and Schulzrinne §7.1: sort by the first line on the thread that reads the
 * socket, so that shedding costs next to nothing and nothing waits in a queue to be refused).
 *
 * <p>Pluggable: the stack calls only this interface; {@link SojournTimeValve} is the default. An operator's
 * valve must be thread-safe (every event loop calls it at once), must not block and should not allocate on
 * {@link #inspect}. An operator's valve installed by class name needs a public no-argument constructor. One valve
 * instance serves one stack: {@link #start} is called once.
 */
public interface OverloadValve {

    /** Admits everything: a stack without overload control. */
    OverloadValve ADMIT_ALL = new AdmitAllValve();

    /**
     * Called on the event loop for every whole message (a datagram, a frame cut from a stream).
     *
     * @param classification {@link FirstLineClassifier#classify} of the message
     * @param message        the message in its readable bytes; read it with absolute indices, do not release it
     * @param flow           where it came from
     */
    Verdict inspect(long classification, ByteBuf message, Flow flow);

    /**
     * For a message {@link #inspect} said {@link Verdict#REJECT} to: appends the stateless answer (a 503 with
     * Retry-After) to {@code out}. Returns false, leaving {@code out} as it was, when none can be built; the
     * request is then dropped.
     */
    boolean writeRejection(ByteBuf request, ByteBuf out);

    /** Called once when the stack starts, with its event loops (for probes); the default does nothing. */
    default void start(EventExecutorGroup eventLoops) {
    }

    /**
     * Called once when the stack starts, instead of {@link #start(EventExecutorGroup)}, with the event loops and
     * the transports' count of read batches cut off with data still waiting ({@link ReadSaturationMeter}); the
     * default ignores the count.
     */
    default void start(EventExecutorGroup eventLoops, ReadSaturationMeter reads) {
        start(eventLoops);
    }

    /**
     * Called once when the stack starts, instead of the two above, with also the kernel's drop counters of the UDP
     * sockets ({@link DatagramDrops}, to be sampled by a timer, never per message); the default ignores them.
     */
    default void start(EventExecutorGroup eventLoops, ReadSaturationMeter reads, DatagramDrops drops) {
        start(eventLoops, reads);
    }

    /** Called once when the stack stops. */
    default void stop() {
    }
}
