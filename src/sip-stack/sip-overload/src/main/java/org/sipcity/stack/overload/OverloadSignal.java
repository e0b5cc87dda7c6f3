package org.sipcity.stack.overload;

/**
 * The load signals the valve judges, each against its high mark; {@link OverloadFigures#cause()} names the one that
 * began the last overload, so an operator can tell why the server shed without reading its log.
 */
public enum OverloadSignal {
    /** The oldest waiting worker task's sojourn time, over the sojourn window. */
    WORKER_WAIT("worker-wait"),
    /** Worker tasks waiting (a signal only when its high mark is set). */
    WORKER_QUEUE_DEPTH("worker-queue-depth"),
    /** An event loop's scheduling delay. */
    EVENT_LOOP_LAG("event-loop-lag"),
    /** Heap occupancy after garbage collection. */
    HEAP("heap"),
    /** An event loop cut off from its sockets' backlog. */
    READ_SATURATION("read-saturation"),
    /** The share of arriving datagrams the kernel dropped at the UDP sockets' full receive queues. */
    DATAGRAM_DROPS("datagram-drops"),
    /** The bytes standing in the UDP sockets' receive queues, the least over its window. */
    DATAGRAM_QUEUE("datagram-queue");

    private final String label;

    OverloadSignal(String label) {
        this.label = label;
    }

    /** The name the management model and the log use. */
    public String label() {
        return label;
    }
}
