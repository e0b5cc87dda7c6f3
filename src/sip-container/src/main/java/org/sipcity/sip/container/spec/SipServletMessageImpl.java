package org.sipcity.sip.container.spec;

import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.sip.Address;
import javax.servlet.sip.Parameterable;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipSession;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.parser.SipParseException;

/**
 * What requests and responses share (JSR 289 {@link SipServletMessage}) over one stack {@link SipMessage}: header
 * access with system-header protection, content, attributes, endpoints and the session the message belongs to.
 *
 * <p>A message is used by one thread at a time: the worker running its application session (JSR 289 §6.4 lets the
 * container serialize access; we do, per application session). Only {@link #isCommitted()} is read across threads.
 */
public abstract class SipServletMessageImpl implements SipServletMessage {

    /** Header fields whose values are name-addr (RFC 3261 §20), returned as {@link Address} by the generic getters. */
    private static final Set<HeaderName> ADDRESS_HEADERS = Set.of(HeaderName.FROM, HeaderName.TO, HeaderName.CONTACT,
            HeaderName.ROUTE, HeaderName.RECORD_ROUTE, HeaderName.PATH, HeaderName.SERVICE_ROUTE, HeaderName.REPLY_TO,
            HeaderName.REFER_TO, HeaderName.REFERRED_BY, HeaderName.P_ASSERTED_IDENTITY);

    private final boolean incoming;
    private final MessageEndpoints endpoints;
    private SipSessionImpl session;
    private Map<String, Object> attributes;
    private HeaderForm headerForm = HeaderForm.DEFAULT;
    private volatile boolean committed;
    private AddressImpl fromView;
    private AddressImpl toView;
    private String characterEncoding;

    protected SipServletMessageImpl(boolean incoming, MessageEndpoints endpoints, SipSessionImpl session) {
        this.incoming = incoming;
        this.endpoints = endpoints == null ? MessageEndpoints.UNKNOWN : endpoints;
        this.session = session;
    }

    /** The stack message this object stands for. */
    public abstract SipMessage stackMessage();

    /** The method of the request, or of the request a response answers (its CSeq method). */
    public abstract SipMethod method();

    /** True for a message that came from the network; false for one the application builds and sends. */
    public boolean isIncoming() {
        return incoming;
    }

    public MessageEndpoints endpoints() {
        return endpoints;
    }

    public SipSessionImpl sipSession() {
        return session;
    }

    void bindSession(SipSessionImpl value) {
        this.session = value;
    }

    /** Marks the message as sent (or, for a request, answered with a final response): no further change. */
    protected void commit() {
        committed = true;
        if (fromView != null) {
            fromView.guard(AddressImpl.Guard.READ_ONLY);
        }
        if (toView != null) {
            toView.guard(AddressImpl.Guard.READ_ONLY);
        }
    }

    protected void checkNotCommitted() {
        if (committed) {
            throw new IllegalStateException("The message is committed (sent, or answered with a final response);"
                    + " it cannot change any more (JSR 289 §4.1.1)");
        }
    }

    /** Writes changes made through {@link #getFrom()} and {@link #getTo()} into the message; call before sending. */
    protected void flushAddressViews() {
        SipMessage message = stackMessage();
        if (fromView != null && !committed) {
            message.setHeader(HeaderName.FROM, fromView.toString());
        }
        if (toView != null && !committed) {
            message.setHeader(HeaderName.TO, toView.toString());
        }
    }

    private static HeaderName headerName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A header name cannot be null or empty");
        }
        return HeaderName.of(name);
    }

    // ---- headers ----------------------------------------------------------------------------------------------

    @Override
    public String getHeader(String name) {
        return stackMessage().getHeader(headerName(name));
    }

    @Override
    public ListIterator<String> getHeaders(String name) {
        return Collections.unmodifiableList(stackMessage().getHeaders(headerName(name))).listIterator();
    }

    @Override
    public Iterator<String> getHeaderNames() {
        List<HeaderName> names = stackMessage().getHeaderNames();
        List<String> result = new ArrayList<>(names.size());
        for (HeaderName n : names) {
            result.add(n.canonicalName());
        }
        return result.iterator();
    }

    @Override
    public void setHeader(String name, String value) {
        HeaderName header = writableHeader(name);
        if (value == null) {
            throw new IllegalArgumentException("A header value cannot be null; use removeHeader");
        }
        stackMessage().setHeader(header, value);
    }

    @Override
    public void addHeader(String name, String value) {
        HeaderName header = writableHeader(name);
        if (value == null) {
            throw new IllegalArgumentException("A header value cannot be null");
        }
        stackMessage().addHeader(header, value);
    }

    @Override
    public void removeHeader(String name) {
        stackMessage().removeHeader(writableHeader(name));
    }

    private HeaderName writableHeader(String name) {
        HeaderName header = headerName(name);
        checkNotCommitted();
        SystemHeaders.checkModifiable(this, header);
        return header;
    }

    @Override
    public Address getAddressHeader(String name) throws ServletParseException {
        HeaderName header = headerName(name);
        String value = stackMessage().getHeader(header);
        if (value == null) {
            return null;
        }
        return address(header, value);
    }

    @Override
    public ListIterator<Address> getAddressHeaders(String name) throws ServletParseException {
        HeaderName header = headerName(name);
        List<Address> result = new ArrayList<>();
        for (String value : stackMessage().getHeaders(header)) {
            result.add(address(header, value));
        }
        return Collections.unmodifiableList(result).listIterator();
    }

    private AddressImpl address(HeaderName header, String value) throws ServletParseException {
        try {
            AddressImpl address = new AddressImpl(NameAddress.parse(value));
            return isSystemHeaderHere(header) || committed ? address.guard(AddressImpl.Guard.READ_ONLY) : address;
        } catch (SipParseException e) {
            throw Uris.parseError(header.canonicalName() + " address", value, e);
        }
    }

    private boolean isSystemHeaderHere(HeaderName header) {
        try {
            SystemHeaders.checkModifiable(this, header);
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    @Override
    public void setAddressHeader(String name, Address address) {
        setHeader(name, address.toString());
    }

    @Override
    public void addAddressHeader(String name, Address address, boolean first) {
        HeaderName header = writableHeader(name);
        if (first) {
            stackMessage().addHeaderFirst(header, address.toString());
        } else {
            stackMessage().addHeader(header, address.toString());
        }
    }

    @Override
    public Parameterable getParameterableHeader(String name) throws ServletParseException {
        HeaderName header = headerName(name);
        String value = stackMessage().getHeader(header);
        return value == null ? null : parameterable(header, value);
    }

    @Override
    public ListIterator<? extends Parameterable> getParameterableHeaders(String name) throws ServletParseException {
        HeaderName header = headerName(name);
        List<Parameterable> result = new ArrayList<>();
        for (String value : stackMessage().getHeaders(header)) {
            result.add(parameterable(header, value));
        }
        return Collections.unmodifiableList(result).listIterator();
    }

    private Parameterable parameterable(HeaderName header, String value) throws ServletParseException {
        if (ADDRESS_HEADERS.contains(header)) {
            return address(header, value);
        }
        ParameterableImpl parsed = ParameterableImpl.parse(value);
        return isSystemHeaderHere(header) || committed ? parsed.readOnly() : parsed;
    }

    @Override
    public void setParameterableHeader(String name, Parameterable value) {
        setHeader(name, value.toString());
    }

    @Override
    public void addParameterableHeader(String name, Parameterable value, boolean first) {
        HeaderName header = writableHeader(name);
        if (first) {
            stackMessage().addHeaderFirst(header, value.toString());
        } else {
            stackMessage().addHeader(header, value.toString());
        }
    }

    @Override
    public HeaderForm getHeaderForm() {
        return headerForm;
    }

    /** Recorded for the application; the stack writes header names as they were received or in long form. */
    @Override
    public void setHeaderForm(HeaderForm form) {
        this.headerForm = form == null ? HeaderForm.DEFAULT : form;
    }

    // ---- system headers -----------------------------------------------------------------------------------------

    @Override
    public Address getFrom() {
        if (fromView == null) {
            fromView = partyView(stackMessage().getFrom());
        }
        return fromView;
    }

    @Override
    public Address getTo() {
        if (toView == null) {
            toView = partyView(stackMessage().getTo());
        }
        return toView;
    }

    private AddressImpl partyView(NameAddress party) {
        AddressImpl view = new AddressImpl(party);
        boolean mayChange = !incoming && !committed && this instanceof SipServletRequestImpl;
        return view.guard(mayChange ? AddressImpl.Guard.TAG_PROTECTED : AddressImpl.Guard.READ_ONLY);
    }

    @Override
    public String getCallId() {
        return stackMessage().getCallId();
    }

    @Override
    public String getMethod() {
        return method().name();
    }

    @Override
    public String getProtocol() {
        return "SIP/2.0";
    }

    @Override
    public int getExpires() {
        String expires = stackMessage().getHeader(HeaderName.EXPIRES);
        if (expires == null) {
            return -1;
        }
        try {
            return Integer.parseInt(expires.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void setExpires(int seconds) {
        checkNotCommitted();
        if (seconds < 0) {
            stackMessage().removeHeader(HeaderName.EXPIRES);
        } else {
            stackMessage().setHeader(HeaderName.EXPIRES, Integer.toString(seconds));
        }
    }

    // ---- content ----------------------------------------------------------------------------------------------

    @Override
    public int getContentLength() {
        return stackMessage().getBody().length;
    }

    /** The length follows the content; a different length is refused. */
    @Override
    public void setContentLength(int length) {
        checkNotCommitted();
        if (length != getContentLength()) {
            throw new IllegalArgumentException("Content-Length follows the content (" + getContentLength()
                    + " bytes); set the content with setContent");
        }
    }

    @Override
    public String getContentType() {
        return stackMessage().getHeader(HeaderName.CONTENT_TYPE);
    }

    @Override
    public void setContentType(String type) {
        checkNotCommitted();
        if (type == null) {
            stackMessage().removeHeader(HeaderName.CONTENT_TYPE);
        } else {
            stackMessage().setHeader(HeaderName.CONTENT_TYPE, type);
        }
    }

    /** The charset named by Content-Type, or the one set by {@link #setCharacterEncoding}, or null. */
    @Override
    public String getCharacterEncoding() {
        if (characterEncoding != null) {
            return characterEncoding;
        }
        return charsetParameter(getContentType());
    }

    @Override
    public void setCharacterEncoding(String encoding) throws UnsupportedEncodingException {
        checkNotCommitted();
        if (encoding != null) {
            charset(encoding);
        }
        characterEncoding = encoding;
    }

    static String charsetParameter(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                String value = p.substring(8).trim();
                return value.startsWith("\"") && value.endsWith("\"") && value.length() > 1
                        ? value.substring(1, value.length() - 1) : value;
            }
        }
        return null;
    }

    private static Charset charset(String name) throws UnsupportedEncodingException {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new UnsupportedEncodingException("Unknown charset: " + name);
        }
    }

    private Charset effectiveCharset() throws UnsupportedEncodingException {
        String name = getCharacterEncoding();
        return name == null ? StandardCharsets.UTF_8 : charset(name);
    }

    /** JSR 289 §4.1.5: text content (text/*, and SDP, which is text) as a String; anything else as bytes. */
    @Override
    public Object getContent() throws UnsupportedEncodingException {
        byte[] body = stackMessage().getBody();
        if (body.length == 0) {
            return null;
        }
        String type = getContentType();
        if (type != null && isText(type)) {
            return new String(body, effectiveCharset());
        }
        return body.clone();
    }

    private static boolean isText(String contentType) {
        String t = contentType.trim().toLowerCase(Locale.ROOT);
        return t.startsWith("text/") || t.startsWith("application/sdp");
    }

    @Override
    public byte[] getRawContent() {
        byte[] body = stackMessage().getBody();
        return body.length == 0 ? null : body.clone();
    }

    /** A String is encoded with the charset of {@code contentType} (UTF-8 if none); a byte[] is taken as it is. */
    @Override
    public void setContent(Object content, String contentType) throws UnsupportedEncodingException {
        checkNotCommitted();
        byte[] bytes;
        if (content == null) {
            bytes = null;
        } else if (content instanceof byte[] raw) {
            bytes = raw;
        } else if (content instanceof String text) {
            String charsetName = charsetParameter(contentType);
            if (charsetName == null) {
                charsetName = characterEncoding;
            }
            bytes = text.getBytes(charsetName == null ? StandardCharsets.UTF_8 : charset(charsetName));
        } else {
            throw new IllegalArgumentException("Content must be a String or a byte[], not " + content.getClass().getName());
        }
        stackMessage().setBody(bytes, bytes == null ? null : contentType);
    }

    @Override
    public Locale getContentLanguage() {
        String language = stackMessage().getHeader(HeaderName.CONTENT_LANGUAGE);
        return language == null ? null : Locale.forLanguageTag(language.trim());
    }

    @Override
    public void setContentLanguage(Locale locale) {
        checkNotCommitted();
        if (locale == null) {
            stackMessage().removeHeader(HeaderName.CONTENT_LANGUAGE);
        } else {
            stackMessage().setHeader(HeaderName.CONTENT_LANGUAGE, locale.toLanguageTag());
        }
    }

    /** The preferred locale of Accept-Language (RFC 3261 §20.3, q-values honoured), or the default locale. */
    @Override
    public Locale getAcceptLanguage() {
        Iterator<Locale> locales = getAcceptLanguages();
        return locales.hasNext() ? locales.next() : Locale.getDefault();
    }

    @Override
    public Iterator<Locale> getAcceptLanguages() {
        List<String> values = stackMessage().getHeaders(HeaderName.ACCEPT_LANGUAGE);
        if (values.isEmpty()) {
            return List.of(Locale.getDefault()).iterator();
        }
        List<Map.Entry<Locale, Float>> ranked = new ArrayList<>();
        for (String value : values) {
            String[] parts = value.split(";");
            float q = 1.0f;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Float.parseFloat(p.substring(2));
                    } catch (NumberFormatException ignored) {
                        q = 0.0f;
                    }
                }
            }
            ranked.add(Map.entry(Locale.forLanguageTag(parts[0].trim()), q));
        }
        ranked.sort((a, b) -> Float.compare(b.getValue(), a.getValue()));
        List<Locale> result = new ArrayList<>(ranked.size());
        for (Map.Entry<Locale, Float> e : ranked) {
            result.add(e.getKey());
        }
        return result.iterator();
    }

    @Override
    public void setAcceptLanguage(Locale locale) {
        checkNotCommitted();
        stackMessage().setHeader(HeaderName.ACCEPT_LANGUAGE, locale.toLanguageTag());
    }

    @Override
    public void addAcceptLanguage(Locale locale) {
        checkNotCommitted();
        stackMessage().addHeader(HeaderName.ACCEPT_LANGUAGE, locale.toLanguageTag());
    }

    // ---- attributes -------------------------------------------------------------------------------------------

    @Override
    public Object getAttribute(String name) {
        if (name == null) {
            throw new NullPointerException("attribute name");
        }
        return attributes == null ? null : attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return attributes == null ? Collections.emptyEnumeration() : Collections.enumeration(List.copyOf(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (name == null) {
            throw new NullPointerException("attribute name");
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (attributes == null) {
            attributes = new ConcurrentHashMap<>(4);
        }
        attributes.put(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        if (attributes != null) {
            attributes.remove(name);
        }
    }

    // ---- sessions ---------------------------------------------------------------------------------------------

    @Override
    public SipSession getSession() {
        return getSession(true);
    }

    @Override
    public SipSession getSession(boolean create) {
        return session;
    }

    @Override
    public SipApplicationSession getApplicationSession() {
        return getApplicationSession(true);
    }

    @Override
    public SipApplicationSession getApplicationSession(boolean create) {
        return session == null ? null : session.getApplicationSession();
    }

    // ---- endpoints and security -------------------------------------------------------------------------------

    @Override
    public String getTransport() {
        return endpoints.transport();
    }

    @Override
    public String getInitialTransport() {
        return endpoints.transport();
    }

    @Override
    public String getRemoteAddr() {
        return endpoints.remoteAddr();
    }

    @Override
    public int getRemotePort() {
        return endpoints.remote() == null ? -1 : endpoints.remote().getPort();
    }

    @Override
    public String getInitialRemoteAddr() {
        return getRemoteAddr();
    }

    @Override
    public int getInitialRemotePort() {
        return getRemotePort();
    }

    @Override
    public String getLocalAddr() {
        return endpoints.localAddr();
    }

    @Override
    public int getLocalPort() {
        return endpoints.local() == null ? -1 : endpoints.local().getPort();
    }

    @Override
    public boolean isSecure() {
        return "TLS".equalsIgnoreCase(endpoints.transport()) || "WSS".equalsIgnoreCase(endpoints.transport());
    }

    /** No authentication layer yet: nobody is authenticated. */
    @Override
    public String getRemoteUser() {
        return null;
    }

    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    @Override
    public String toString() {
        return stackMessage().toString();
    }
}
