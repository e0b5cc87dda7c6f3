package org.sipcity.stack.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.overload.OverloadValve;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.timer.WheelTimer;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.SendFailureListener;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionLayer;
import org.sipcity.stack.transaction.TransactionUser;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.SipTransports;
import org.sipcity.stack.transport.TransportType;

/**
 * One SIP stack: event loops and connectors, the parser, the transaction layer and its timer wheel, joined by
 * the transport-layer rules of RFC 3261 §18. The embedding layer (a SIP servlet container, a test responder)
 * is its {@link TransactionUser}: it receives requests in server transactions and answers through them, and
 * sends its own requests with {@link #sendRequest}.
 *
 * <p>Life cycle: construct, {@link #start} one connector per listening socket, {@link #close} once.
 */
public final class SipStack implements AutoCloseable {

    private final StackCounters counters = new StackCounters();
    private final WheelTimer timer;
    private final TransactionLayer transactions;
    private final InboundDispatcher dispatcher;
    private final SipTransports transports;
    private final OverloadValve valve;
    private final MessageTrace trace;

    public SipStack(SipStackConfig config, TransactionUser user) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(user, "user");
        this.timer = new WheelTimer();
        this.transactions = new TransactionLayer(config.transactions(), timer, user);
        this.valve = config.overloadValve();
        SipMessageParser parser = new SipMessageParser(config.parser());
        this.trace = new MessageTrace(parser);
        this.dispatcher = new InboundDispatcher(parser, transactions, counters, valve, trace);
        this.transports = new SipTransports(config.transports(), dispatcher);
        dispatcher.bind(transports);
        valve.start(transports.eventLoops(), transports.readSaturation(), transports.datagramDrops());
    }

    /**
     * Binds a connector (blocks until bound; not on an event loop).
     *
     * @throws java.net.BindException naming the connector and address when the port is taken
     */
    public SipConnector start(SipConnectorConfig connector) throws IOException {
        return transports.start(connector);
    }

    public SipTransports transports() {
        return transports;
    }

    public TransactionLayer transactions() {
        return transactions;
    }

    public StackCounters counters() {
        return counters;
    }

    /** The message trace: set its filter to log the messages of one AOR or one address (operators' switch). */
    public MessageTrace trace() {
        return trace;
    }

    /** The valve every inbound message passes before it is parsed (its figures are read by the management model). */
    public OverloadValve overloadValve() {
        return valve;
    }

    /**
     * Sends {@code request} in a new client transaction to {@code target}, over an open connection to it if one
     * exists (RFC 5923 reuse) or a new one. A request without a Via gets ours: the flow's local address as
     * sent-by, {@code rport} (RFC 3581) and a fresh branch.
     */
    public CompletableFuture<ClientTransaction> sendRequest(SipRequest request, TransportType transport,
                                                            InetSocketAddress target) {
        return transports.connect(transport, target).thenApply(flow -> sendRequest(request, flow));
    }

    /** Sends {@code request} in a new client transaction over {@code flow} (e.g. a registered RFC 5626 flow). */
    public ClientTransaction sendRequest(SipRequest request, Flow flow) {
        if (request.getTopVia() == null) {
            addOwnVia(request, flow);
        }
        return transactions.sendRequest(request, dispatcher.channel(flow));
    }

    /**
     * Sends a message outside any transaction over {@code flow} (responses still follow §18.2.2): the ACK for a
     * 2xx (§13.2.2.4), or a message a stateless proxy forwards.
     */
    public void sendStateless(SipMessage message, Flow flow, SendFailureListener onFailure) {
        dispatcher.channel(flow).send(message, onFailure);
    }

    /**
     * The flow a received request arrived on, from its server transaction's channel (or the channel an ACK came on):
     * its real source and local address, where the top Via holds what the sender wrote. Null for a channel that is
     * not one of a stack's flows (a test's in-memory channel).
     */
    public static Flow flowOf(TransactionChannel channel) {
        return channel instanceof FlowChannel flowChannel ? flowChannel.flow() : null;
    }

    private void addOwnVia(SipRequest request, Flow flow) {
        InetSocketAddress local = flow.localAddress();
        Via via = Via.of(flow.transport().name(), io.netty.util.NetUtil.toAddressString(local.getAddress()),
                local.getPort(), transactions.newBranch()).withParameter("rport", null);
        request.addHeaderFirst(HeaderName.VIA, via.toString());
    }

    /** Stops the connectors (closing their connections), then the timers and the overload valve. */
    @Override
    public void close() {
        try {
            transports.close();
        } finally {
            timer.close();
            valve.stop();
        }
    }
}
