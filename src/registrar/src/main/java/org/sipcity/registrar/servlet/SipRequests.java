package org.sipcity.registrar.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;

import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

import org.sipcity.registrar.auth.DigestCredentials;
import org.sipcity.registrar.auth.DigestHeaderParser;
import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.proxy.ProxyRequest;
import org.sipcity.registrar.registration.AddressOfRecord;
import org.sipcity.registrar.registration.ContactSpec;
import org.sipcity.registrar.registration.FlowAddress;
import org.sipcity.registrar.registration.RegisterRequest;
import org.sipcity.registrar.registration.TransactionHash;

/** Lifts what the registrar needs out of a SipServletRequest; the only place that knows both worlds. */
final class SipRequests {

    private SipRequests() {
    }

    /** Thrown when the REGISTER cannot be read; the message is the 400 reason phrase. */
    static final class UnreadableRequest extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableRequest(String reason) {
            super(reason, null, false, false);
        }
    }

    static RegisterRequest register(SipServletRequest request) throws UnreadableRequest {
        URI requestUri = request.getRequestURI();
        if (!(requestUri instanceof SipURI sipRequestUri)) {
            throw new UnreadableRequest("Bad Request (Request-URI must be a SIP URI)");
        }
        URI to = request.getTo().getURI();
        if (!(to instanceof SipURI sipTo) || sipTo.getUser() == null || sipTo.getUser().isEmpty()) {
            throw new UnreadableRequest("Bad Request (To must be a SIP URI with a user part)");
        }
        List<ContactSpec> contacts = new ArrayList<>();
        try {
            ListIterator<Address> it = request.getAddressHeaders("Contact");
            while (it.hasNext()) {
                Address contact = it.next();
                if (contact.isWildcard()) {
                    contacts.add(ContactSpec.wildcard());
                } else {
                    contacts.add(new ContactSpec(contact.getURI().toString(), contact.getParameter("expires"),
                            contact.getParameter("q"), unquote(contact.getParameter("+sip.instance")),
                            contact.getParameter("reg-id")));
                }
            }
        } catch (ServletParseException e) {
            throw new UnreadableRequest("Bad Request (malformed Contact)");
        }
        String cseq = request.getHeader("CSeq");
        long sequence;
        try {
            sequence = Long.parseLong(sequenceNumber(cseq));
        } catch (RuntimeException e) {
            throw new UnreadableRequest("Bad Request (malformed CSeq)");
        }
        String transport = request.getInitialTransport() != null ? request.getInitialTransport() : request.getTransport();
        FlowAddress flow = request.getInitialRemoteAddr() == null || transport == null ? null
                : new FlowAddress(transport.toLowerCase(Locale.ROOT),
                        request.getInitialRemoteAddr(), request.getInitialRemotePort(), request.getLocalAddr(),
                        request.getLocalPort());
        String aor = AddressOfRecord.of(sipTo.getUser(), sipTo.getHost());
        List<String> path = values(request, "Path");
        checkStorable(aor, contacts, request.getCallId(), path);
        String callId = request.getCallId();
        return new RegisterRequest(aor, sipRequestUri.getHost(), contacts, request.getHeader("Expires"),
                callId, sequence, optionTags(request, "Require"), optionTags(request, "Supported"), path,
                count(request, "Via"), flow, userAgent(request.getHeader("User-Agent")),
                TransactionHash.of(request.getHeader("Via"), callId, sequence));
    }

    /**
     * Refuses, with 400 naming the field, a REGISTER whose values a binding cannot hold (the location service's
     * column widths): accepted, it would be answered 200 and then never stored.
     */
    private static void checkStorable(String aor, List<ContactSpec> contacts, String callId, List<String> path)
            throws UnreadableRequest {
        tooLong("To address-of-record", aor, ContactBinding.MAX_AOR_LENGTH);
        tooLong("Call-ID", callId, ContactBinding.MAX_TEXT_LENGTH);
        tooLong("Path", String.join("\n", path), ContactBinding.MAX_PATH_LENGTH);
        for (ContactSpec contact : contacts) {
            if (!contact.isWildcard()) {
                tooLong("Contact URI", contact.uri(), ContactBinding.MAX_URI_LENGTH);
                tooLong("+sip.instance", contact.instanceId(), ContactBinding.MAX_TEXT_LENGTH);
            }
        }
    }

    private static void tooLong(String field, String value, int max) throws UnreadableRequest {
        if (value != null && value.length() > max) {
            throw new UnreadableRequest("Bad Request (" + field + " longer than " + max + " characters)");
        }
    }

    /** The User-Agent is only shown to operators: a long one is cut to what a binding stores, not refused. */
    private static String userAgent(String value) {
        return value == null || value.length() <= ContactBinding.MAX_TEXT_LENGTH ? value
                : value.substring(0, ContactBinding.MAX_TEXT_LENGTH);
    }

    /** The parts of an initial request {@link org.sipcity.registrar.proxy.ProxyPolicy} decides on. */
    static ProxyRequest proxy(SipServletRequest request) throws UnreadableRequest {
        URI requestUri = request.getRequestURI();
        SipURI sip = requestUri instanceof SipURI s ? s : null;
        if (request.getFrom() == null) {
            throw new UnreadableRequest("Bad Request (no From)");
        }
        URI from = request.getFrom().getURI();
        SipURI sipFrom = from instanceof SipURI s ? s : null;
        boolean routed = request.getHeader("Route") != null;
        String local = request.getLocalAddr();
        boolean hostIsUs = sip != null && local != null && (sip.getHost().equalsIgnoreCase(local)
                || sip.getHost().equalsIgnoreCase("[" + local + "]"));
        URI to = request.getTo() == null ? null : request.getTo().getURI();
        return new ProxyRequest(request.getMethod(), sip != null, sip == null ? null : sip.getUser(),
                sip == null ? null : sip.getHost(), hostIsUs, to instanceof SipURI sipTo ? sipTo.getHost() : null,
                sipFrom == null ? null : sipFrom.getUser(), sipFrom == null ? null : sipFrom.getHost(), routed,
                headerValues(request, "Proxy-Authorization"));
    }

    /**
     * Removes the Proxy-Authorization values of {@code realm} (the credentials we checked) and keeps every other:
     * RFC 3261 §22.3, credentials meant for proxies further on must reach them.
     */
    static void consumeCredentials(SipServletRequest request, String realm) {
        if (realm == null) {
            return;
        }
        List<String> values = headerValues(request, "Proxy-Authorization");
        List<String> kept = values.stream().filter(value -> {
            DigestCredentials credentials = DigestHeaderParser.parse(value);
            return credentials == null || !realm.equals(credentials.realm());
        }).toList();
        if (kept.size() == values.size()) {
            return;
        }
        request.removeHeader("Proxy-Authorization");
        for (String value : kept) {
            request.addHeader("Proxy-Authorization", value);
        }
    }

    /** Every value of a header as the container gives them, not split (credentials hold commas). */
    static List<String> headerValues(SipServletRequest request, String name) {
        List<String> values = new ArrayList<>(1);
        ListIterator<String> it = request.getHeaders(name);
        while (it.hasNext()) {
            values.add(it.next());
        }
        return values;
    }

    static List<String> values(SipServletRequest request, String name) {
        List<String> values = new ArrayList<>();
        ListIterator<String> it = request.getHeaders(name);
        while (it.hasNext()) {
            values.addAll(HeaderLists.split(it.next()));
        }
        return values;
    }

    /** The number of values of a header, as {@link #values} would list them, without making them. */
    static int count(SipServletRequest request, String name) {
        int count = 0;
        ListIterator<String> it = request.getHeaders(name);
        while (it.hasNext()) {
            count += HeaderLists.count(it.next());
        }
        return count;
    }

    private static List<String> optionTags(SipServletRequest request, String name) {
        List<String> tags = new ArrayList<>();
        for (String value : values(request, name)) {
            tags.add(value.strip().toLowerCase(Locale.ROOT));
        }
        return tags;
    }

    private static String unquote(String value) {
        if (value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** The number of a CSeq value ({@code 1 REGISTER}): its first token, found without a regular expression per request. */
    private static String sequenceNumber(String cseq) {
        String value = cseq.strip();
        int end = 0;
        while (end < value.length() && !Character.isWhitespace(value.charAt(end))) {
            end++;
        }
        return value.substring(0, end);
    }
}
