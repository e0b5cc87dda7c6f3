package org.sipcity.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.SipParseException;
import org.sipcity.stack.transport.Flow;
import org.sipcity.stack.transport.TransportType;

/**
 * One side of a dialog (RFC 3261 §12): Call-ID, local and remote tags (inside the From and To values kept),
 * the remote target, the route set and the local CSeq. Builds the ACK for the 2xx and in-dialog requests.
 */
public final class Dialog {

    private final SipTestClient client;
    private final String callId;
    private final String localAddress;
    private final String remoteAddress;
    private final Uri remoteTarget;
    private final List<String> routeSet;
    private final TransportType transport;
    private final AtomicLong localSequence;
    /** The CSeq number of the INVITE, which its ACK repeats (§13.2.2.4); -1 on the callee side. */
    private final long inviteSequence;
    /** The ACK sent for the 2xx and its flow, to answer 2xx retransmissions; guarded by {@code this}. */
    private SipRequest ack;
    private Flow ackFlow;
    /** The first ACK is being sent; a 2xx retransmission arriving meanwhile is answered once it is out. */
    private boolean ackSending;
    private boolean retransmittedWhileSending;

    private Dialog(SipTestClient client, String callId, String localAddress, String remoteAddress, Uri remoteTarget,
                   List<String> routeSet, TransportType transport, long localSequence, long inviteSequence) {
        this.client = client;
        this.callId = callId;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.remoteTarget = remoteTarget;
        this.routeSet = List.copyOf(routeSet);
        this.transport = transport;
        this.localSequence = new AtomicLong(localSequence);
        this.inviteSequence = inviteSequence;
    }

    /** The caller's side, from its request and the 2xx (§12.1.2: route set = Record-Route reversed). */
    static Dialog asCaller(SipTestClient client, SipRequest request, SipResponse ok, TransportType transport) {
        List<String> routes = new ArrayList<>(ok.getHeaders(HeaderName.RECORD_ROUTE));
        Collections.reverse(routes);
        return new Dialog(client, request.getCallId(), request.getHeader(HeaderName.FROM),
                ok.getHeader(HeaderName.TO), remoteTarget(ok), routes, transport, request.getCSeq().sequence(),
                request.getCSeq().sequence());
    }

    /** The callee's side, from the request and our 2xx (§12.1.1: route set = Record-Route in order). */
    static Dialog asCallee(SipTestClient client, SipRequest request, SipResponse ok, TransportType transport) {
        return new Dialog(client, request.getCallId(), ok.getHeader(HeaderName.TO), request.getHeader(HeaderName.FROM),
                remoteTarget(request), request.getHeaders(HeaderName.RECORD_ROUTE), transport, 0, -1);
    }

    private static Uri remoteTarget(org.sipcity.stack.message.SipMessage message) {
        String contact = message.getHeader(HeaderName.CONTACT);
        if (contact == null) {
            throw new IllegalStateException("No Contact in " + Messages.summary(message)
                    + ": a dialog needs the remote target (RFC 3261 §12.1)");
        }
        try {
            return NameAddress.parse(contact).uri();
        } catch (SipParseException e) {
            throw new IllegalStateException("Unusable Contact '" + contact + "': " + e.getMessage(), e);
        }
    }

    public String callId() {
        return callId;
    }

    public Uri remoteTarget() {
        return remoteTarget;
    }

    /** The route set, in the order its Route headers are written. */
    public List<String> routeSet() {
        return routeSet;
    }

    /**
     * Starts an in-dialog request (§12.2.1.1): Request-URI the remote target, From/To with the dialog's tags, the
     * next local CSeq, the route set as Route headers. With a strict router first (no {@code lr}), the
     * Request-URI is that route and the remote target goes last.
     */
    public RequestBuilder request(String method) {
        RequestBuilder builder = client.request(method, remoteTarget.toString());
        fill(builder, localSequence.incrementAndGet());
        return builder;
    }

    /** Sends BYE in the dialog (RFC 3261 §15.1.1). */
    public SentRequest bye() {
        return request("BYE").send();
    }

    /**
     * Sends the ACK for the 2xx (§13.2.2.4): the INVITE's CSeq number, a new branch, outside any transaction; a
     * second call sends the same ACK again. No lock is held while the flow is opened: the event loop that opens it
     * may at the same time deliver a 2xx retransmission to {@link #twoHundredRetransmitted}.
     */
    void ack() {
        SipRequest sent;
        Flow flow;
        synchronized (this) {
            sent = ack;
            flow = ackFlow;
        }
        if (sent != null) {
            client.resendAck(sent, flow);
            return;
        }
        if (inviteSequence < 0) {
            throw new IllegalStateException("The callee does not send the ACK");
        }
        SipRequest request = SipRequest.create(SipMethod.ACK, remoteTarget);
        request.setHeader(HeaderName.FROM, localAddress);
        request.setHeader(HeaderName.TO, remoteAddress);
        request.setHeader(HeaderName.CALL_ID, callId);
        request.setHeader(HeaderName.CSEQ, new CSeq(inviteSequence, SipMethod.ACK).toString());
        request.setHeader(HeaderName.MAX_FORWARDS, "70");
        Uri nextHop = route(request);
        request.setBody(new byte[0], null);
        NextHop hop = NextHop.of(nextHop, transport);
        synchronized (this) {
            ackSending = true;
        }
        Flow used = client.sendAck(request, hop.transport(), hop.address());
        boolean resend;
        synchronized (this) {
            ack = request;
            ackFlow = used;
            ackSending = false;
            resend = retransmittedWhileSending;
            retransmittedWhileSending = false;
        }
        // the peer may answer our ACK with a 2xx retransmission before the ACK was recorded above
        if (resend) {
            client.resendAck(request, used);
        }
    }

    /**
     * A 2xx arrived again (a retransmission, RFC 3261 §13.2.2.4: "The UAC core MUST generate an ACK request for
     * each 2xx received"): resends the ACK once one was sent. Called on the event loop; never blocks.
     */
    synchronized void twoHundredRetransmitted() {
        if (ack != null) {
            client.resendAck(ack, ackFlow);
        } else if (ackSending) {
            retransmittedWhileSending = true;
        }
    }

    private void fill(RequestBuilder builder, long sequence) {
        builder.from(localAddress).to(remoteAddress).callId(callId).cseq(sequence).transport(transport);
        // The routing rules write into a request; a scratch one gives the Request-URI and Routes to copy.
        SipRequest routed = SipRequest.create(SipMethod.OPTIONS, remoteTarget);
        Uri nextHop = route(routed);
        builder.requestUri(routed.getRequestUri()).nextHopUri(nextHop);
        for (String route : routed.getHeaders(HeaderName.ROUTE)) {
            builder.header("Route", route);
        }
    }

    /** Writes the Route headers into {@code request} and returns the URI of the next hop (§12.2.1.1). */
    private Uri route(SipRequest request) {
        if (routeSet.isEmpty()) {
            return remoteTarget;
        }
        Uri first = routeUri(routeSet.get(0));
        if (first instanceof SipUri sip && sip.lr()) {
            routeSet.forEach(r -> request.addHeader(HeaderName.ROUTE, r));
            return first;
        }
        // Strict routing: the first route becomes the Request-URI, the remote target the last Route.
        request.setRequestUri(first);
        routeSet.subList(1, routeSet.size()).forEach(r -> request.addHeader(HeaderName.ROUTE, r));
        request.addHeader(HeaderName.ROUTE, "<" + remoteTarget + ">");
        return first;
    }

    private static Uri routeUri(String route) {
        try {
            return NameAddress.parse(route).uri();
        } catch (SipParseException e) {
            throw new IllegalStateException("Unusable Record-Route '" + route + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "dialog " + callId + " to " + remoteTarget + (routeSet.isEmpty() ? "" : " via " + routeSet);
    }
}
