package org.sipcity.registrar.management;

import java.time.Instant;
import java.util.List;

import org.sipcity.registrar.location.ContactBinding;
import org.sipcity.registrar.location.FlowToken;
import org.sipcity.registrar.registration.FlowAddress;

/** One binding as {@code list-bindings} shows it (an MXBean composite: each getter is an item). */
public final class BindingInfo {

    private final ContactBinding binding;
    private final long expires;
    private final FlowAddress source;

    BindingInfo(ContactBinding binding, Instant now) {
        this.binding = binding;
        this.expires = binding.remainingSeconds(now);
        FlowToken token = binding.source() != null ? binding.source() : binding.flowToken();
        this.source = token == null ? null : FlowAddress.parse(token.text());
    }

    public String getContact() {
        return binding.contactUri();
    }

    /** Seconds left, as the 200 OK's {@code expires} parameter says. */
    public long getExpires() {
        return expires;
    }

    /** The q-value as registered ({@code 0.5}), or null when none was given. */
    public String getQ() {
        int q = binding.qMillis();
        if (q < 0) {
            return null;
        }
        String text = String.format(java.util.Locale.ROOT, "%d.%03d", q / 1000, q % 1000).replaceAll("0+$", "");
        return text.endsWith(".") ? text + "0" : text;
    }

    public String getInstance() {
        return binding.instanceId() == null ? null : binding.instanceId().text();
    }

    public Integer getRegId() {
        return binding.regId();
    }

    /** Whether this is an RFC 5626 flow: requests to it must use the connection it registered over. */
    public boolean isOutbound() {
        return binding.isOutboundFlow();
    }

    /**
     * The connection the REGISTER came over as {@code transport:address:port} ({@code tcp:127.0.0.1:40312}, IPv6 in
     * brackets): the form the connector's {@code close-flow} operation takes. Null when not recorded.
     */
    public String getFlow() {
        return source == null ? null : source.transport() + ':' + hostPort(source.remoteHost(), source.remotePort());
    }

    /** The address the REGISTER came from (the UA, or the last proxy on its Path). */
    public String getSourceAddress() {
        return source == null ? null : hostPort(source.remoteHost(), source.remotePort());
    }

    /** Our address the REGISTER arrived on. */
    public String getLocalAddress() {
        return source == null ? null : hostPort(source.localHost(), source.localPort());
    }

    public String getUserAgent() {
        return binding.userAgent();
    }

    public String getCallId() {
        return binding.callId();
    }

    public long getCseq() {
        return binding.cseq();
    }

    public List<String> getPath() {
        return binding.path();
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? '[' + host + ']' : host) + ':' + port;
    }
}
