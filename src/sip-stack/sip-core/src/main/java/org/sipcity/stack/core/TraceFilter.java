package org.sipcity.stack.core;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.parser.SipParseException;
import org.sipcity.stack.transport.RemoteFlowAddress;

/**
 * Which messages {@link MessageTrace} writes to the log: those from or to a remote address, and those whose From,
 * To or Request-URI names an address-of-record. Either may be absent; a message matching either is traced.
 *
 * <p>An address matches on the flow alone, without looking into the message. An AOR is compared as RFC 3261 §10.3
 * keys bindings: user and host of a {@code sip:} or {@code sips:} URI (user exactly, host ignoring case), without
 * port or parameters. Before a message is parsed for that comparison, its raw bytes must contain the AOR's user
 * part (ignoring case): most messages of a busy server are passed over by that scan alone. A message that writes
 * the user part escaped ({@code %61lice} for {@code alice}) is therefore not traced.
 */
public final class TraceFilter {

    private final RemoteFlowAddress address;
    private final String aorUser;
    private final String aorHost;
    private final byte[] userLower;
    private final byte[] userUpper;

    private TraceFilter(RemoteFlowAddress address, SipUri aor) {
        this.address = address;
        this.aorUser = aor == null ? null : aor.user();
        this.aorHost = aor == null ? null : aor.host();
        this.userLower = aorUser == null ? null : aorUser.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        this.userUpper = aorUser == null ? null : aorUser.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A filter from an operator's text; {@code null} (tracing off) when both are {@code null} or blank.
     *
     * @param address a remote address as {@link RemoteFlowAddress#parse} reads it ({@code 192.0.2.1},
     *                {@code 192.0.2.1:5060}, {@code tcp:[2001:db8::1]:5061})
     * @param aor     an address-of-record: {@code sip:alice@example.com}, or {@code alice@example.com}
     * @throws IllegalArgumentException naming what is wrong with either
     */
    public static TraceFilter of(String address, String aor) {
        boolean hasAddress = address != null && !address.isBlank();
        boolean hasAor = aor != null && !aor.isBlank();
        if (!hasAddress && !hasAor) {
            return null;
        }
        return new TraceFilter(hasAddress ? RemoteFlowAddress.parse(address) : null, hasAor ? parseAor(aor.strip()) : null);
    }

    private static SipUri parseAor(String text) {
        String withScheme = Uri.schemeEnd(text) > 0 ? text : "sip:" + text;
        Uri uri;
        try {
            uri = Uri.parse(withScheme);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a SIP address-of-record: " + e.getMessage(), e);
        }
        if (!(uri instanceof SipUri sip) || sip.user() == null || sip.user().isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not a SIP address-of-record (sip:user@host)");
        }
        return sip;
    }

    /** Whether a flow's remote address is the traced address. */
    boolean matchesAddress(org.sipcity.stack.transport.Flow flow) {
        return address != null && address.matches(flow);
    }

    boolean hasAor() {
        return aorUser != null;
    }

    /**
     * Whether the raw message contains the AOR's user part, ignoring case: only such messages are parsed. The scan
     * runs through {@link ByteBuf#forEachByte} (no bounds check per byte) looking for the first character, and
     * compares the rest only where it occurs.
     */
    boolean mayNameAor(ByteBuf message) {
        int start = message.readerIndex();
        int end = message.writerIndex() - userLower.length;
        byte lower = userLower[0];
        byte upper = userUpper[0];
        int from = start;
        while (from <= end) {
            int hit = message.forEachByte(from, end - from + 1, b -> b != lower && b != upper);
            if (hit < 0) {
                return false;
            }
            if (regionMatches(message, hit)) {
                return true;
            }
            from = hit + 1;
        }
        return false;
    }

    private boolean regionMatches(ByteBuf message, int from) {
        for (int j = 1; j < userLower.length; j++) {
            byte b = message.getByte(from + j);
            if (b != userLower[j] && b != userUpper[j]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the From, To or (of a request) Request-URI of {@code message} names the traced AOR. */
    boolean namesAor(SipMessage message) {
        if (aorUser == null) {
            return false;
        }
        if (message instanceof SipRequest request && isAor(request.getRequestUri())) {
            return true;
        }
        return isAor(uriOf(message, true)) || isAor(uriOf(message, false));
    }

    private static Uri uriOf(SipMessage message, boolean from) {
        try {
            NameAddress address = from ? message.getFrom() : message.getTo();
            return address == null ? null : address.uri();
        } catch (RuntimeException unparsable) {
            return null; // a broken From or To names nothing; the other fields may still match
        }
    }

    private boolean isAor(Uri uri) {
        return uri instanceof SipUri sip && aorUser.equals(sip.user()) && aorHost.equalsIgnoreCase(sip.host());
    }

    @Override
    public String toString() {
        return "TraceFilter[" + (address == null ? "" : "address=" + address)
                + (address != null && aorUser != null ? ", " : "")
                + (aorUser == null ? "" : "aor=sip:" + aorUser + "@" + aorHost) + "]";
    }
}
