package org.sipcity.testing;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.transport.TransportType;

/**
 * Builds a request of the test client (RFC 3261 §8.1.1) and sends it. Unless set, the headers default to:
 * From {@code <sip:user@host>;tag=random} (for REGISTER the address of record {@code sip:user@registrar-domain},
 * §10.2), To the Request-URI (for REGISTER the address of record), a random Call-ID, CSeq 1, Max-Forwards 70, and
 * for INVITE, REGISTER, SUBSCRIBE, REFER, NOTIFY and UPDATE a Contact naming our connector of the transport used.
 * The Via is added at sending, with the address of the flow the request leaves on.
 *
 * <p>The request goes to the host, port and transport of the Request-URI (or of the first Route of an in-dialog
 * request), unless {@link #target} and {@link #transport} say otherwise.
 */
public final class RequestBuilder {

    /** Methods whose request carries a Contact: RFC 3261 §8.1.1.8, §10.2.1; RFC 6665, 3515, 3311. */
    private static final Set<String> WITH_CONTACT = Set.of("INVITE", "REGISTER", "SUBSCRIBE", "REFER", "NOTIFY",
            "UPDATE");

    private final SipTestClient client;
    private final SipMethod method;
    private Uri requestUri;
    private String from;
    private String to;
    private String callId;
    private long cseq = 1;
    private int maxForwards = 70;
    private String contact;
    private boolean contactRemoved;
    private final List<HeaderEdit> edits = new ArrayList<>();
    private byte[] body;
    private String contentType;
    private TransportType transport;
    private InetSocketAddress target;
    private Uri nextHopUri;

    RequestBuilder(SipTestClient client, String method, Uri requestUri) {
        this.client = client;
        this.method = SipMethod.of(Objects.requireNonNull(method, "method"));
        this.requestUri = Objects.requireNonNull(requestUri, "requestUri");
        if (this.method == SipMethod.ACK || this.method == SipMethod.CANCEL) {
            throw new IllegalArgumentException(method + " is not built by hand: use SentRequest.ack/cancel "
                    + "(RFC 3261 §9.1, §13.2.2.4)");
        }
    }

    /** The From header value (name-addr with its tag), replacing the default. */
    public RequestBuilder from(String nameAddr) {
        this.from = nameAddr;
        return this;
    }

    /** The To header value, replacing the default. */
    public RequestBuilder to(String nameAddr) {
        this.to = nameAddr;
        return this;
    }

    public RequestBuilder callId(String callId) {
        this.callId = callId;
        return this;
    }

    public RequestBuilder cseq(long sequence) {
        this.cseq = sequence;
        return this;
    }

    public RequestBuilder maxForwards(int maxForwards) {
        this.maxForwards = maxForwards;
        return this;
    }

    /** The Contact header value, replacing the default (also for methods that get none by default). */
    public RequestBuilder contact(String contact) {
        this.contact = contact;
        this.contactRemoved = false;
        return this;
    }

    /** Sends no Contact. */
    public RequestBuilder noContact() {
        this.contact = null;
        this.contactRemoved = true;
        return this;
    }

    /** Adds a header field after the others of its name. */
    public RequestBuilder header(String name, String value) {
        edits.add(new HeaderEdit(HeaderName.of(name), value, false));
        return this;
    }

    /** Replaces every field of that name (also a default one). */
    public RequestBuilder setHeader(String name, String value) {
        edits.add(new HeaderEdit(HeaderName.of(name), value, true));
        return this;
    }

    /** Removes every field of that name (also a default one). */
    public RequestBuilder removeHeader(String name) {
        edits.add(new HeaderEdit(HeaderName.of(name), null, true));
        return this;
    }

    /** The body and its Content-Type; Content-Length follows. */
    public RequestBuilder body(String contentType, String text) {
        return body(contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    public RequestBuilder body(String contentType, byte[] bytes) {
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.body = bytes.clone();
        return this;
    }

    /** The transport to send over, whatever the URI says. */
    public RequestBuilder transport(TransportType transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        return this;
    }

    /** Where to send (an outbound proxy, a server's SIP port), whatever the URI says. */
    public RequestBuilder target(InetSocketAddress target) {
        this.target = Objects.requireNonNull(target, "target");
        return this;
    }

    public RequestBuilder target(String host, int port) {
        return target(new InetSocketAddress(host, port));
    }

    /** For in-dialog requests: the URI whose host is the next hop (the first Route), RFC 3261 §12.2.1.1. */
    RequestBuilder nextHopUri(Uri uri) {
        this.nextHopUri = uri;
        return this;
    }

    RequestBuilder requestUri(Uri uri) {
        this.requestUri = uri;
        return this;
    }

    /** The request as it would be sent, without its Via. */
    public SipRequest build() {
        return build(hop().transport());
    }

    /** Builds the request and sends it in a client transaction; never blocks longer than a connection set-up. */
    public SentRequest send() {
        NextHop hop = hop();
        return client.send(build(hop.transport()), hop.transport(), hop.address());
    }

    private SipRequest build(TransportType used) {
        SipRequest request = SipRequest.create(method, requestUri);
        String aor = "sip:" + client.user() + "@" + (method == SipMethod.REGISTER && requestUri instanceof SipUri sip
                ? sip.host() : client.uriHost());
        request.setHeader(HeaderName.FROM, from != null ? from : "<" + aor + ">;tag=" + Messages.randomToken());
        request.setHeader(HeaderName.TO, to != null ? to
                : "<" + (method == SipMethod.REGISTER ? aor : requestUri.toString()) + ">");
        request.setHeader(HeaderName.CALL_ID, callId != null ? callId : Messages.randomToken() + "@" + client.uriHost());
        request.setHeader(HeaderName.CSEQ, new CSeq(cseq, method).toString());
        request.setHeader(HeaderName.MAX_FORWARDS, Integer.toString(maxForwards));
        if (contact != null) {
            request.setHeader(HeaderName.CONTACT, contact);
        } else if (!contactRemoved && WITH_CONTACT.contains(method.name())) {
            request.setHeader(HeaderName.CONTACT, "<" + client.contactUri(used) + ">");
        }
        for (HeaderEdit edit : edits) {
            edit.applyTo(request);
        }
        if (body != null) {
            request.setBody(body, contentType);
        } else {
            request.setBody(new byte[0], null);
        }
        return request;
    }

    private NextHop hop() {
        Uri uri = nextHopUri != null ? nextHopUri : requestUri;
        if (target != null) {
            TransportType chosen = transport;
            if (chosen == null) {
                chosen = uri instanceof SipUri sip && sip.transportParam() != null
                        ? NextHop.of(sip, client.defaultTransport()).transport() : client.defaultTransport();
            }
            return new NextHop(chosen, target);
        }
        NextHop hop = NextHop.of(uri, transport != null ? transport : client.defaultTransport());
        return transport != null ? new NextHop(transport, hop.address()) : hop;
    }

    private record HeaderEdit(HeaderName name, String value, boolean replace) {
        void applyTo(SipRequest request) {
            if (value == null) {
                request.removeHeader(name);
            } else if (replace) {
                request.setHeader(name, value);
            } else {
                request.addHeader(name, value);
            }
        }
    }
}
