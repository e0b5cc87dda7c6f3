package org.sipcity.sip.container.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import io.netty.util.NetUtil;
import org.sipcity.sip.container.spec.MessageEndpoints;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.TransportType;

/**
 * The endpoints of a received request, read from what the stack left in the top Via: RFC 3261 §18.2.1 {@code received}
 * and RFC 3581 {@code rport} hold the source address and port whenever they differ from the sent-by, which is the
 * source otherwise. The local address is that of the stack's connector for the transport.
 *
 * <p>(The stack does not hand the flow of a server transaction to its TU; when it does, this becomes exact.)
 */
final class ReceivedEndpoints {

    private ReceivedEndpoints() {
    }

    static MessageEndpoints of(SipRequest request, SipStack stack) {
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
