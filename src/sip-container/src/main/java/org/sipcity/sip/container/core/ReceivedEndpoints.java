package org.sipcity.sip.container.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import io.netty.util.NetUtil;
import org.sipcity.sip.container.spec.MessageEndpoints;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.TransportType;

/**
 * The endpoints of a received request: the flow it arrived on, its packet source and the local address of its socket
 * or connection (JSR 289 {@code getRemoteAddr}: the sender of the message). A request that reached the container on no
 * flow of the stack's has them read from what the stack left in its top Via instead: RFC 3261 §18.2.1 {@code received}
 * and RFC 3581 {@code rport} hold the source address and port whenever they differ from the sent-by, which is the
 * source otherwise, and the local address is that of the stack's connector for the transport. The flow is exact where
 * the Via is not (a sender's own {@code received} beside a sent-by that matches its source stays, as does a sent-by
 * port without {@code rport}), and costs no parsing.
 */
final class ReceivedEndpoints {

    private ReceivedEndpoints() {
    }

    /** The endpoints of {@code request}, received on {@code channel} (null when unknown) of {@code stack}. */
    static MessageEndpoints of(SipRequest request, TransactionChannel channel, SipStack stack) {
        Flow flow = channel == null ? null : SipStack.flowOf(channel);
        if (flow != null) {
            return new MessageEndpoints(flow.transport().name(), flow.localAddress(), flow.remoteAddress());
        }
        return fromVia(request, stack);
    }

    private static MessageEndpoints fromVia(SipRequest request, SipStack stack) {
        Via via = request.getTopVia();
        if (via == null) {
            return MessageEndpoints.UNKNOWN;
        }
        String transport = via.transport();
        InetSocketAddress remote = null;
        String host = via.received() != null ? via.received() : via.host();
        int port = via.rport() > 0 ? via.rport() : via.port() > 0 ? via.port() : 5060;
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                remote = new InetSocketAddress(InetAddress.getByAddress(literal), port);
            } catch (UnknownHostException e) {
                remote = null;   // not reached: the address is a literal
            }
        }
        InetSocketAddress local = null;
        TransportType type = TransportType.fromToken(transport);
        SipConnector connector = stack == null || type == null ? null : stack.transports().firstConnector(type);
        if (connector != null) {
            local = connector.localAddress();
        }
        return new MessageEndpoints(transport, local, remote);
    }
}
