package org.sipcity.stack.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one connector, cheap enough for the hot path (striped {@link LongAdder}s, no lock, no
 * allocation). The transports record; management reads. Bytes are counted above TLS (plain SIP bytes).
 */
public final class TransportMetrics {

    private final LongAdder openConnections = new LongAdder();
    private final LongAdder acceptedConnections = new LongAdder();
    private final LongAdder outboundConnections = new LongAdder();
    private final LongAdder refusedConnections = new LongAdder();
    private final LongAdder idleClosedConnections = new LongAdder();
    private final LongAdder stalledClosedConnections = new LongAdder();
    private final LongAdder acceptErrors = new LongAdder();
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder framingErrors = new LongAdder();
    private final LongAdder keepAlivePings = new LongAdder();
    private final LongAdder droppedSends = new LongAdder();
    private final LongAdder readPauses = new LongAdder();
    private final LongAdder oversizedDatagrams = new LongAdder();
    private final LongAdder untrackedDatagramFlows = new LongAdder();
    private final LongAdder parseErrors = new LongAdder();
    private final RateMeter messagesInRate = new RateMeter(messagesIn::sum);
    private final RateMeter messagesOutRate = new RateMeter(messagesOut::sum);

    /** Connections open now (UDP: flows tracked now). */
    public long openConnections() {
        return openConnections.sum();
    }

    /** Connections accepted since start (UDP: flows opened). */
    public long acceptedConnections() {
        return acceptedConnections.sum();
    }

    /** Connections this side opened since start. */
    public long outboundConnections() {
        return outboundConnections.sum();
    }

    /** Connections closed at once because the connector held its maximum. */
    public long refusedConnections() {
        return refusedConnections.sum();
    }

    /** Connections closed because nothing was received within the idle timeout. */
    public long idleClosedConnections() {
        return idleClosedConnections.sum();
    }

    /** Connections closed because the peer stopped reading and the write queue stayed full. */
    public long stalledClosedConnections() {
        return stalledClosedConnections.sum();
    }

    /** Failed accept calls (for instance too many open files). */
    public long acceptErrors() {
        return acceptErrors.sum();
    }

    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Streams closed because they could not be framed. */
    public long framingErrors() {
        return framingErrors.sum();
    }

    /** Keep-alives answered: CRLF pings on streams (RFC 5626 §4.4.1), STUN Binding requests on UDP (§4.4.2). */
    public long keepAlivePings() {
        return keepAlivePings.sum();
    }

    /**
     * Messages not sent because their flow was closed, its datagram socket's queue was full, or a stream's write
     * queue would have exceeded its hard limit ({@link SipConnectorConfig#writeQueueLimit()}).
     */
    public long droppedSends() {
        return droppedSends.sum();
    }

    /**
     * Times a stream connection stopped reading because its write queue rose above the high water mark (its
     * peer reads our answers slower than it sends requests); reading resumes below the low mark.
     */
    public long readPauses() {
        return readPauses.sum();
    }

    /** Datagrams dropped because they exceeded the maximum message size. */
    public long oversizedDatagrams() {
        return oversizedDatagrams.sum();
    }

    /** Datagrams delivered on a flow that was not tracked because the table held the maximum. */
    public long untrackedDatagramFlows() {
        return untrackedDatagramFlows.sum();
    }

    /** Messages received on this connector whose frame was whole but whose content broke the grammar. */
    public long parseErrors() {
        return parseErrors.sum();
    }

    /** Messages received a second, over the last {@value RateMeter#WINDOW_SECONDS} seconds. */
    public long messagesInPerSecond() {
        return messagesInRate.perSecond();
    }

    /** Messages sent a second, over the last {@value RateMeter#WINDOW_SECONDS} seconds. */
    public long messagesOutPerSecond() {
        return messagesOutRate.perSecond();
    }

    /** Takes the rates' samples; the connector calls it once a second from one event loop. */
    public void sampleRates() {
        messagesInRate.sample();
        messagesOutRate.sample();
    }

    /** Counted by the stack above the transport, which parses what the transport delivered. */
    public void parseError() {
        parseErrors.increment();
    }

    public void connectionOpened(boolean outbound) {
        openConnections.increment();
        (outbound ? outboundConnections : acceptedConnections).increment();
    }

    public void connectionClosed() {
        openConnections.decrement();
    }

    public void connectionRefused() {
        refusedConnections.increment();
    }

    public void idleClosed() {
        idleClosedConnections.increment();
    }

    public void stalledClosed() {
        stalledClosedConnections.increment();
    }

    public void acceptError() {
        acceptErrors.increment();
    }

    public void tlsHandshakeFailed() {
        tlsHandshakeFailures.increment();
    }

    public void messageIn(int bytes) {
        messagesIn.increment();
        bytesIn.add(bytes);
    }

    public void messageOut(int bytes) {
        messagesOut.increment();
        bytesOut.add(bytes);
    }

    public void framingError() {
        framingErrors.increment();
    }

    public void keepAlivePing() {
        keepAlivePings.increment();
    }

    public void sendDropped() {
        droppedSends.increment();
    }

    public void readPaused() {
        readPauses.increment();
    }

    public void oversizedDatagram() {
        oversizedDatagrams.increment();
    }

    public void untrackedDatagramFlow() {
        untrackedDatagramFlows.increment();
    }

    @Override
    public String toString() {
        return "TransportMetrics[open=" + openConnections() + ", accepted=" + acceptedConnections()
                + ", outbound=" + outboundConnections() + ", refused=" + refusedConnections()
                + ", in=" + messagesIn() + "/" + bytesIn() + "B, out=" + messagesOut() + "/" + bytesOut()
                + "B, framingErrors=" + framingErrors() + ", droppedSends=" + droppedSends() + ", readPauses=" + readPauses() + "]";
    }
}
