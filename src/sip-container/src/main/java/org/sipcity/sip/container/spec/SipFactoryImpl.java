package org.sipcity.sip.container.spec;

import java.util.concurrent.ThreadLocalRandom;
import javax.servlet.sip.Address;
import javax.servlet.sip.AuthInfo;
import javax.servlet.sip.Parameterable;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;
import org.sipcity.sip.container.core.SipApplication;
import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;

/**
 * JSR 289 §4.1.3 / §3.2 factory of one application: addresses, URIs, application sessions, and new initial requests
 * built as RFC 3261 §8.1.1 says (new Call-ID, From tag, CSeq, Max-Forwards 70; the Via is added when sent).
 */
public final class SipFactoryImpl implements SipFactory {

    private final SipApplication application;

    public SipFactoryImpl(SipApplication application) {
        this.application = application;
    }

    @Override
    public URI createURI(String uri) throws ServletParseException {
        return Uris.parse(uri);
    }

    @Override
    public SipURI createSipURI(String user, String host) {
        return new SipURIImpl(user, host);
    }

    @Override
    public Address createAddress(String address) throws ServletParseException {
        return AddressImpl.parse(address);
    }

    @Override
    public Address createAddress(URI uri) {
        return new AddressImpl(uri.clone(), null);
    }

    @Override
    public Address createAddress(URI uri, String displayName) {
        return new AddressImpl(uri.clone(), displayName);
    }

    @Override
    public Parameterable createParameterable(String value) throws ServletParseException {
        return ParameterableImpl.parse(value);
    }

    @Override
    public SipApplicationSession createApplicationSession() {
        return application.sessions().create(null);
    }

    @Override
    public SipApplicationSession createApplicationSessionByKey(String key) {
        return application.sessions().byKey(key, true);
    }

    @Override
    public AuthInfo createAuthInfo() {
        throw new IllegalStateException("Client digest authentication (JSR 289 §4.1.4) is not available yet");
    }

    @Override
    public SipServletRequest createRequest(SipApplicationSession appSession, String method, Address from, Address to) {
        return newRequest(appSession, method, from, to);
    }

    @Override
    public SipServletRequest createRequest(SipApplicationSession appSession, String method, URI from, URI to) {
        return newRequest(appSession, method, new AddressImpl(from.clone(), null), new AddressImpl(to.clone(), null));
    }

    @Override
    public SipServletRequest createRequest(SipApplicationSession appSession, String method, String from, String to)
            throws ServletParseException {
        return newRequest(appSession, method, AddressImpl.parse(from), AddressImpl.parse(to));
    }

    /** A new request in a new session and dialog, to the same parties as {@code original} (JSR 289 §4.1.3). */
    @Override
    public SipServletRequest createRequest(SipServletRequest original, boolean sameCallId) {
        SipServletRequestImpl request = newRequest(original.getApplicationSession(), original.getMethod(),
                (Address) original.getFrom().clone(), (Address) original.getTo().clone());
        SipRequest copy = request.stackMessage();
        copy.setRequestUri(Uris.toStack(original.getRequestURI()));
        if (sameCallId) {
            copy.setHeader(HeaderName.CALL_ID, original.getCallId());
        }
        SipRequest source = ((SipServletRequestImpl) original).stackMessage();
        for (HeaderName name : source.getHeaderNames()) {
            if (!isRebuiltHeader(name)) {
                for (String value : source.getHeaders(name)) {
                    copy.addHeader(name, value);
                }
            }
        }
        copy.setBody(source.getBody(), source.getHeader(HeaderName.CONTENT_TYPE));
        return request;
    }

    private static boolean isRebuiltHeader(HeaderName name) {
        return name.equals(HeaderName.VIA) || name.equals(HeaderName.FROM) || name.equals(HeaderName.TO)
                || name.equals(HeaderName.CALL_ID) || name.equals(HeaderName.CSEQ)
                || name.equals(HeaderName.RECORD_ROUTE) || name.equals(HeaderName.ROUTE)
                || name.equals(HeaderName.MAX_FORWARDS) || name.equals(HeaderName.CONTENT_LENGTH)
                || name.equals(HeaderName.CONTENT_TYPE) || name.equals(HeaderName.PATH);
    }

    private SipServletRequestImpl newRequest(SipApplicationSession appSession, String method, Address from, Address to) {
        if (!(appSession instanceof SipApplicationSessionImpl session) || session.application() != application) {
            throw new IllegalArgumentException("Not an application session of application " + application.name());
        }
        if (!session.isValid()) {
            throw new IllegalStateException("The application session " + session.getId() + " was invalidated");
        }
        SipMethod m = SipMethod.of(method);
        if (SipMethod.ACK.equals(m) || SipMethod.CANCEL.equals(m)) {
            throw new IllegalArgumentException(method + " is never an initial request (JSR 289 §4.1.3)");
        }
        // RFC 3261 §8.1.1.3: From gets a fresh tag; To has none; the Request-URI is the To URI (§8.1.1.1).
        NameAddress fromAddress = AddressImpl.from(from).toStack();
        NameAddress toAddress = AddressImpl.from(to).toStack();
        if (toAddress.tag() != null) {
            toAddress = NameAddress.of(toAddress.displayName(), toAddress.uri());
        }
        SipRequest request = SipRequest.create(m, toAddress.uri());
        request.setHeader(HeaderName.FROM, fromAddress.withTag(randomToken()).toString());
        request.setHeader(HeaderName.TO, toAddress.toString());
        request.setHeader(HeaderName.CALL_ID, randomToken() + randomToken() + "@" + application.name().replace(' ', '-'));
        request.setHeader(HeaderName.CSEQ, new CSeq(1, m).toString());
        request.setHeader(HeaderName.MAX_FORWARDS, "70");
        SipSessionImpl sipSession = SipSessionImpl.forSent(session, request);
        return new SipServletRequestImpl(request, sipSession, true);
    }

    private static String randomToken() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 62);
    }
}
