package org.sipcity.sip.container.spec;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.Rel100Exception;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipResponse;

/**
 * A SIP response (JSR 289 {@link SipServletResponse}): one the application creates for a received request and sends
 * through that request's server transaction, or one received for a request the application sent.
 */
public final class SipServletResponseImpl extends SipServletMessageImpl implements SipServletResponse {

    private SipResponse response;
    private final SipServletRequestImpl request;

    /** A response the application will send for a received request. */
    SipServletResponseImpl(SipServletRequestImpl request, SipResponse response, SipSessionImpl session) {
        super(false, request.endpoints(), session);
        this.request = request;
        this.response = response;
    }

    /** A response received for {@code request}, which the application sent. */
    public SipServletResponseImpl(SipServletRequestImpl request, SipResponse response, MessageEndpoints endpoints) {
        super(true, endpoints, request.sipSession());
        this.request = request;
        this.response = response;
    }

    @Override
    public SipResponse stackMessage() {
        return response;
    }

    @Override
    public SipMethod method() {
        return response.getCSeq() != null ? response.getCSeq().method() : request.method();
    }

    @Override
    public SipServletRequest getRequest() {
        return request;
    }

    public SipServletRequestImpl request() {
        return request;
    }

    @Override
    public int getStatus() {
        return response.getStatus();
    }

    @Override
    public String getReasonPhrase() {
        return response.getReasonPhrase();
    }

    @Override
    public void setStatus(int status) {
        setStatus(status, null);
    }

    /**
     * The stack's responses fix their status line, so a new response is built for the request and every header and
     * the body of this one are carried over (the To tag included).
     */
    @Override
    public void setStatus(int status, String reasonPhrase) {
        checkNotCommitted();
        if (isIncoming()) {
            throw new IllegalStateException("A received response cannot change");
        }
        if (status < 100 || status > 699) {
            throw new IllegalArgumentException("Not a response status: " + status);
        }
        SipResponse replacement = request.stackMessage().createResponse(status, reasonPhrase);
        for (HeaderName name : response.getHeaderNames()) {
            if (name.equals(HeaderName.CONTENT_LENGTH) || name.equals(HeaderName.CONTENT_TYPE)) {
                continue;
            }
            replacement.removeHeader(name);
            for (String value : response.getHeaders(name)) {
                replacement.addHeader(name, value);
            }
        }
        replacement.setBody(response.getBody(), response.getHeader(HeaderName.CONTENT_TYPE));
        response = replacement;
    }

    @Override
    public void send() throws IOException {
        if (isIncoming()) {
            throw new IllegalStateException("A received response is not sent again (proxying is not available yet)");
        }
        checkNotCommitted();
        int status = response.getStatus();
        boolean isFinal = status >= 200;
        if (isFinal && !request.claimFinalResponse()) {
            throw new IllegalStateException("A final response to this request was sent already");
        }
        if (!isFinal && request.isFinalResponseSent()) {
            throw new IllegalStateException("A provisional response cannot follow the final one");
        }
        if (status > 100 && status < 300 && request.isInitial() && SipSessionImpl.createsDialog(method())) {
            addOwnContact();
        }
        // The dialog and the 2xx retransmitter exist before the response is on the wire: the peer's ACK (or BYE)
        // comes back on an event loop and may arrive before this worker thread goes on.
        sipSession().responseSent(this);
        if (status < 300 && isFinal && SipMethod.INVITE.equals(method()) && !request.serverTransaction().channel().isReliable()) {
            sipSession().retransmitUntilAck(this);
        }
        if (isFinal && sipSession().application().replaySafeMethods().covers(method().name())) {
            request.serverTransaction().markReplaySafe();
        }
        if (!request.serverTransaction().sendResponse(response)) {
            throw new IOException("The server transaction no longer accepts a response (it timed out or its transport failed)");
        }
        commit();
        if (isFinal) {
            request.finalResponseSent();
        }
    }

    /**
     * RFC 3261 §12.1.1: a response that creates a dialog carries the Contact the peer sends its in-dialog requests to.
     * It is a system header (JSR 289 §4.1.3), so the container writes it: the address of the connector that received
     * the request.
     */
    private void addOwnContact() {
        java.net.InetSocketAddress local = endpoints().local();
        if (response.hasHeader(HeaderName.CONTACT) || local == null) {
            return;
        }
        String advertised = sipSession().application().runtime().config().advertisedHost();
        response.setHeader(HeaderName.CONTACT, "<" + Contacts.of(local, endpoints().transport(), advertised) + ">");
    }

    @Override
    public SipServletRequest createAck() {
        if (!isIncoming() || !SipMethod.INVITE.equals(method()) || getStatus() < 200 || getStatus() >= 300) {
            throw new IllegalStateException("An ACK is created for a received 2xx to an INVITE (RFC 3261 §13.2.2.4);"
                    + " the container acknowledges other final responses itself");
        }
        return sipSession().createAck(this);
    }

    @Override
    public SipServletRequest createPrack() throws Rel100Exception {
        throw new Rel100Exception(Rel100Exception.NOT_SUPPORTED);
    }

    @Override
    public void sendReliably() throws Rel100Exception {
        throw new Rel100Exception(Rel100Exception.NOT_SUPPORTED);
    }

    /** The realms of the WWW-Authenticate and Proxy-Authenticate challenges (RFC 3261 §22.2, §22.3). */
    @Override
    public Iterator<String> getChallengeRealms() {
        List<String> realms = new ArrayList<>();
        collectRealms(response.getHeaders(HeaderName.WWW_AUTHENTICATE), realms);
        collectRealms(response.getHeaders(HeaderName.PROXY_AUTHENTICATE), realms);
        return realms.iterator();
    }

    private static void collectRealms(List<String> challenges, List<String> realms) {
        for (String challenge : challenges) {
            int at = challenge.toLowerCase(Locale.ROOT).indexOf("realm=\"");
            if (at >= 0) {
                int start = at + 7;
                int end = challenge.indexOf('"', start);
                if (end > start) {
                    realms.add(challenge.substring(start, end));
                }
            }
        }
    }

    @Override
    public Proxy getProxy() {
        return request.proxyBranch() == null ? null : request.proxyBranch().proxy();
    }

    @Override
    public ProxyBranch getProxyBranch() {
        return request.proxyBranch();
    }

    @Override
    public boolean isBranchResponse() {
        return false;
    }

    // ---- jakarta.servlet.ServletResponse: JSR 289 §5.8 says SIP is not streamed ---------------------------------

    @Override
    public ServletOutputStream getOutputStream() {
        return null;
    }

    @Override
    public PrintWriter getWriter() {
        return null;
    }

    @Override
    public void setContentLengthLong(long length) {
        setContentLength((int) length);
    }

    @Override
    public void setBufferSize(int size) {
        // nothing is buffered: the message is sent whole by send()
    }

    @Override
    public int getBufferSize() {
        return 0;
    }

    @Override
    public void flushBuffer() {
        // nothing is buffered
    }

    @Override
    public void resetBuffer() {
        checkNotCommitted();
    }

    @Override
    public void reset() {
        checkNotCommitted();
    }

    @Override
    public void setLocale(Locale locale) {
        setContentLanguage(locale);
    }

    @Override
    public Locale getLocale() {
        Locale locale = getContentLanguage();
        return locale == null ? Locale.getDefault() : locale;
    }

    /** ServletResponse#setCharacterEncoding does not throw; JSR 289's does. */
    @Override
    public void setCharacterEncoding(String encoding) {
        try {
            super.setCharacterEncoding(encoding);
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
