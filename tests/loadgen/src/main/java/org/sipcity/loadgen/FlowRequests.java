package org.sipcity.loadgen;

import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.parser.SipParseException;

/**
 * Builds the requests of one flow as an RFC 5626 user agent sends them over a persistent TCP connection.
 * REGISTERs: one Call-ID and From tag for all of them with CSeq increasing (RFC 3261 §10.2), a Contact with
 * {@code +sip.instance} and {@code reg-id} (RFC 5626 §4.2), and {@code Supported: outbound, path}. OPTIONS: out of
 * dialog to the registrar's domain, a new Call-ID and From tag each (RFC 3261 §11.1).
 */
final class FlowRequests {

    /** RFC 3261 §8.1.1.7: the magic cookie every branch starts with. */
    private static final String BRANCH_COOKIE = "z9hG4bK";

    private final SipUri requestUri;
    private final String aor;
    private final String fromTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final String callId;
    private final String instance = "<urn:uuid:" + UUID.randomUUID() + ">";
    private final String viaSentBy;
    private final String contactUri;
    private int expiresSeconds;
    private long cseq;

    FlowRequests(String domain, String user, InetSocketAddress local, int expiresSeconds) {
        this.requestUri = registrarUri(domain);
        this.aor = "<sip:" + user + "@" + domain + ">";
        this.callId = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "@" + local.getAddress().getHostAddress();
        this.viaSentBy = hostPort(local);
        this.contactUri = "<sip:" + user + "@" + hostPort(local) + ";transport=tcp>";
        this.expiresSeconds = expiresSeconds;
    }

    /** The Expires asked for, in seconds. */
    int expires() {
        return expiresSeconds;
    }

    /** Asks for {@code seconds} from the next REGISTER on (a 423's Min-Expires). */
    void expires(int seconds) {
        this.expiresSeconds = seconds;
    }

    /** The Request-URI as digest {@code uri} (RFC 3261 §22.4: the Request-URI of the request). */
    String digestUri() {
        return requestUri.toString();
    }

    /** The next request with a fresh branch; {@code authorization} may be null. */
    SipRequest next(SipMethod method, String branchSuffix, String authorization) {
        return SipMethod.REGISTER.equals(method) ? register(branchSuffix, authorization) : options(branchSuffix, authorization);
    }

    private SipRequest options(String branchSuffix, String authorization) {
        SipRequest options = SipRequest.create(SipMethod.OPTIONS, requestUri);
        options.setHeader(HeaderName.VIA, "SIP/2.0/TCP " + viaSentBy + ";branch=" + BRANCH_COOKIE + branchSuffix + ";rport");
        options.setHeader(HeaderName.MAX_FORWARDS, "70");
        options.setHeader(HeaderName.FROM, aor + ";tag=" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        options.setHeader(HeaderName.TO, "<" + requestUri + ">");
        options.setHeader(HeaderName.CALL_ID, Long.toHexString(ThreadLocalRandom.current().nextLong()) + "@" + viaSentBy);
        options.setHeader(HeaderName.CSEQ, "1 OPTIONS");
        options.setHeader(HeaderName.ACCEPT, "application/sdp");
        if (authorization != null) {
            options.setHeader(HeaderName.AUTHORIZATION, authorization);
        }
        options.setBody(new byte[0], null);
        return options;
    }

    private SipRequest register(String branchSuffix, String authorization) {
        SipRequest register = SipRequest.create(SipMethod.REGISTER, requestUri);
        register.setHeader(HeaderName.VIA, "SIP/2.0/TCP " + viaSentBy + ";branch=" + BRANCH_COOKIE + branchSuffix + ";rport");
        register.setHeader(HeaderName.MAX_FORWARDS, "70");
        register.setHeader(HeaderName.FROM, aor + ";tag=" + fromTag);
        register.setHeader(HeaderName.TO, aor);
        register.setHeader(HeaderName.CALL_ID, callId);
        register.setHeader(HeaderName.CSEQ, ++cseq + " REGISTER");
        register.setHeader(HeaderName.CONTACT, contactUri + ";reg-id=1;+sip.instance=\"" + instance + "\"");
        register.setHeader(HeaderName.EXPIRES, Integer.toString(expiresSeconds));
        register.setHeader(HeaderName.SUPPORTED, "outbound, path");
        if (authorization != null) {
            register.setHeader(HeaderName.AUTHORIZATION, authorization);
        }
        register.setBody(new byte[0], null);
        return register;
    }

    /** {@code sip:domain}, the Request-URI of a REGISTER (RFC 3261 §10.2). */
    static SipUri registrarUri(String domain) {
        try {
            return SipUri.parse("sip:" + domain);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("Not a SIP domain: '" + domain + "' (" + e.reasonPhrase() + ")", e);
        }
    }

    static String branchOf(String viaBranch) {
        return viaBranch.startsWith(BRANCH_COOKIE) ? viaBranch.substring(BRANCH_COOKIE.length()) : viaBranch;
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
