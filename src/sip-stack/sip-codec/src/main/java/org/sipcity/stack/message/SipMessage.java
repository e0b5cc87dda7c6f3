package org.sipcity.stack.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.netty.buffer.ByteBuf;

import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.parser.SipParseException;

/**
 * A SIP request or response whose header fields are read lazily from the received bytes.
 *
 * <p>The parser copies the message once and indexes its header fields ({@link HeaderIndex}); a value becomes
 * a String only when read, and folded lines (CRLF followed by SP or HTAB, RFC 3261 §7.3.1) are unfolded then.
 * The system headers the transaction layer needs (Via, From, To, Call-ID, CSeq, Max-Forwards) were checked by
 * the parser and are handed over parsed, so their typed getters never fail on a received message. Values set
 * in code for those headers are checked at once ({@link IllegalArgumentException}).
 *
 * <p>On output, fields not touched since parsing are copied byte for byte; changed and added fields are written
 * canonically ({@code Name: value}); Content-Length always states the body length and is added when missing
 * (RFC 3261 §20.14: mandatory on stream transports).
 *
 * <p>Not thread-safe: a message belongs to one thread at a time.
 */
public abstract sealed class SipMessage permits SipRequest, SipResponse {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] EMPTY = new byte[0];

    /** Received bytes that untouched parts are copied from; never written. Null for a message built in code. */
    final byte[] wire;
    /** The received start line [startLineStart, headersStart) including its CRLF; -1 once written canonically. */
    int startLineStart;
    int headersStart;
    final HeaderIndex headers;

    private byte[] bodySource;
    private int bodyOffset;
    private int bodyLength;
    private byte[] bodyCopy;

    // system headers, parsed once and dropped when the header changes
    private List<Via> vias;
    private NameAddress from;
    private NameAddress to;
    private CSeq cseq;
    private String callId;
    private int maxForwards = Integer.MIN_VALUE;
    /** A partial request of a parse failure (or a response to one): malformed system headers read as null. */
    private final boolean partial;

    /** A message built in code. */
    SipMessage() {
        this.wire = null;
        this.startLineStart = -1;
        this.headers = new HeaderIndex(12);
        this.bodySource = EMPTY;
        this.partial = false;
    }

    /** A received message. */
    SipMessage(WireParts parts) {
        this.wire = parts.bytes();
        this.startLineStart = parts.startLineStart();
        this.headersStart = parts.headersStart();
        this.headers = parts.headers();
        this.bodySource = parts.bytes();
        this.bodyOffset = parts.bodyOffset();
        this.bodyLength = parts.bodyLength();
        this.vias = parts.vias() == null ? null : Collections.unmodifiableList(parts.vias());
        this.from = parts.from();
        this.to = parts.to();
        this.cseq = parts.cseq();
        this.maxForwards = parts.maxForwards();
        this.partial = parts.partial();
    }

    /**
     * A response sharing the received bytes of {@code request} for the fields it copies: every Via, the first
     * From, To, Call-ID and CSeq (single-valued by definition), and the Timestamp when asked.
     */
    SipMessage(SipMessage request, boolean copyTimestamp) {
        this.wire = request.wire;
        this.startLineStart = -1;
        this.bodySource = EMPTY;
        this.partial = request.partial;
        HeaderIndex src = request.headers;
        int vias = 0;
        for (int i = src.indexOf(HeaderName.VIA, 0); i >= 0; i = src.indexOf(HeaderName.VIA, i + 1)) {
            vias++;
        }
        // the copied fields, and room for what a UAS adds: Contact, Content-Length, a challenge or Date
        this.headers = new HeaderIndex(vias + 5 + 3);
        int copiedOnce = 0;
        for (int i = 0; i < src.size(); i++) {
            int once = copiedOnce(src.name(i), copyTimestamp);
            if (src.name(i) == HeaderName.VIA || once != 0 && (copiedOnce & once) == 0) {
                headers.copyField(src, i);
                copiedOnce |= once;
            }
        }
        this.vias = request.vias;
        this.from = request.from;
        this.to = request.to;
        this.cseq = request.cseq;
        this.callId = request.callId;
    }

    /** A bit for each field a response copies once (RFC 3261 §8.2.6.2), or 0 for the others. */
    private static int copiedOnce(HeaderName n, boolean copyTimestamp) {
        if (n == HeaderName.FROM) {
            return 1;
        } else if (n == HeaderName.TO) {
            return 2;
        } else if (n == HeaderName.CALL_ID) {
            return 4;
        } else if (n == HeaderName.CSEQ) {
            return 8;
        }
        return copyTimestamp && n == HeaderName.TIMESTAMP ? 16 : 0;
    }

    // ---- header access ------------------------------------------------------------------------------------

    /** The first value of that header (for list headers, the first comma-separated element), or null. */
    public String getHeader(HeaderName name) {
        int i = headers.indexOf(name, 0);
        if (i < 0) {
            return null;
        }
        String v = value(i);
        if (name.isCommaSeparatedList()) {
            int comma = HeaderValues.nextTopLevelComma(v, 0);
            if (comma >= 0) {
                return v.substring(0, comma).trim();
            }
        }
        return v;
    }

    /** Every value of that header in order; values of list headers are split on top-level commas. */
    public List<String> getHeaders(HeaderName name) {
        List<String> all = null;
        for (int i = headers.indexOf(name, 0); i >= 0; i = headers.indexOf(name, i + 1)) {
            if (all == null) {
                all = new ArrayList<>(2);
            }
            if (name.isCommaSeparatedList()) {
                HeaderValues.split(value(i), all);
            } else {
                all.add(value(i));
            }
        }
        return all == null ? List.of() : Collections.unmodifiableList(all);
    }

    public boolean hasHeader(HeaderName name) {
        return headers.indexOf(name, 0) >= 0;
    }

    /** Replaces every field of that name by one field with {@code value}, where the first one was. */
    public void setHeader(HeaderName name, String value) {
        checkSettable(name, value);
        setHeaderUnchecked(name, value);
    }

    /** Sets To from a value already parsed (no second parse), keeping it cached. */
    void setTo(NameAddress value) {
        setHeaderUnchecked(HeaderName.TO, value.toString());
        to = value;
    }

    private void setHeaderUnchecked(HeaderName name, String value) {
        int first = headers.indexOf(name, 0);
        if (first < 0) {
            headers.insert(headers.size(), name, value);
        } else {
            headers.replace(first, value);
            for (int i = headers.indexOf(name, first + 1); i >= 0; i = headers.indexOf(name, i)) {
                headers.remove(i);
            }
        }
        changed(name);
    }

    /** Adds a field after the last field of that name, or at the end when there is none. */
    public void addHeader(HeaderName name, String value) {
        checkSettable(name, value);
        int last = -1;
        for (int i = headers.indexOf(name, 0); i >= 0; i = headers.indexOf(name, i + 1)) {
            last = i;
        }
        headers.insert(last < 0 ? headers.size() : last + 1, name, value);
        changed(name);
    }

    /** Adds a field before the first field of that name (a proxy's Via, Record-Route), or at the end. */
    public void addHeaderFirst(HeaderName name, String value) {
        checkSettable(name, value);
        int first = headers.indexOf(name, 0);
        headers.insert(first < 0 ? headers.size() : first, name, value);
        changed(name);
    }

    /** Removes every field of that name; false when there was none. */
    public boolean removeHeader(HeaderName name) {
        checkRemovable(name);
        boolean removed = false;
        for (int i = headers.indexOf(name, 0); i >= 0; i = headers.indexOf(name, i)) {
            headers.remove(i);
            removed = true;
        }
        if (removed) {
            changed(name);
        }
        return removed;
    }

    /**
     * Replaces the top Via by {@code top}, which must be the top Via with parameters added or changed (the
     * {@code received}/{@code rport} stamp of RFC 3261 §18.2.1, RFC 3581): its text is not parsed again, and the
     * parsed Vias stay cached, so the transaction layer that reads them next does not parse every Via again either.
     *
     * @throws IllegalStateException when the message has no Via
     */
    public void replaceTopVia(Via top) {
        java.util.Objects.requireNonNull(top, "top");
        List<Via> current = getVias();
        if (current.isEmpty()) {
            throw new IllegalStateException("No Via to replace");
        }
        removeFirstHeader(HeaderName.VIA);
        int first = headers.indexOf(HeaderName.VIA, 0);
        headers.insert(first < 0 ? headers.size() : first, HeaderName.VIA, top.toString());
        List<Via> all = new ArrayList<>(current);
        all.set(0, top);
        vias = Collections.unmodifiableList(all);
    }

    /** Removes the first value of that header, rewriting a combined field that holds more (a proxy's Via). */
    public boolean removeFirstHeader(HeaderName name) {
        checkRemovable(name);
        int first = headers.indexOf(name, 0);
        if (first < 0) {
            return false;
        }
        if (name.isCommaSeparatedList()) {
            String v = value(first);
            int comma = HeaderValues.nextTopLevelComma(v, 0);
            if (comma >= 0) {
                headers.replace(first, v.substring(comma + 1).trim());
                changed(name);
                return true;
            }
        }
        headers.remove(first);
        changed(name);
        return true;
    }

    /** The names of the header fields present, in message order, each once. */
    public List<HeaderName> getHeaderNames() {
        List<HeaderName> names = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            HeaderName n = headers.name(i);
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * Every name-addr of a header holding them (Contact, Route, Record-Route, Path, Service-Route...), in order,
     * parsed now (not cached).
     *
     * @throws SipParseException (400) naming the fault when a value breaks the grammar
     */
    public List<NameAddress> getNameAddresses(HeaderName name) throws SipParseException {
        List<NameAddress> all = new ArrayList<>(2);
        for (int i = headers.indexOf(name, 0); i >= 0; i = headers.indexOf(name, i + 1)) {
            String v = value(i);
            if (name.isCommaSeparatedList()) {
                all.addAll(NameAddress.parseAll(v));
            } else {
                all.add(NameAddress.parse(v));
            }
        }
        return all;
    }

    /** The value of field i as text: trimmed, unfolded, read once. */
    String value(int i) {
        return headers.value(wire, i);
    }

    private static void checkRemovable(HeaderName name) {
        if (name == HeaderName.CONTENT_LENGTH) {
            throw new IllegalArgumentException("Content-Length follows the body; use setBody");
        }
    }

    /** Values of the system headers must parse, so their typed getters never fail. */
    private void checkSettable(HeaderName name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("A header value cannot be null; use removeHeader");
        }
        checkRemovable(name);
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("A header value cannot hold CR or LF: " + name);
        }
        try {
            if (name == HeaderName.VIA) {
                Via.parseAll(value);
            } else if (name == HeaderName.FROM || name == HeaderName.TO) {
                if (NameAddress.parse(value).isWildcard()) {
                    throw SipParseException.badRequest("Invalid " + name, 0);
                }
            } else if (name == HeaderName.CSEQ) {
                CSeq.parse(value);
            } else if (name == HeaderName.CALL_ID) {
                HeaderValues.checkCallId(value);
            } else if (name == HeaderName.MAX_FORWARDS) {
                HeaderValues.parseMaxForwards(value);
            }
        } catch (SipParseException e) {
            throw new IllegalArgumentException(e.reasonPhrase() + ": " + value, e);
        }
    }

    private void changed(HeaderName name) {
        if (name == HeaderName.VIA) {
            vias = null;
        } else if (name == HeaderName.FROM) {
            from = null;
        } else if (name == HeaderName.TO) {
            to = null;
        } else if (name == HeaderName.CSEQ) {
            cseq = null;
        } else if (name == HeaderName.CALL_ID) {
            callId = null;
        } else if (name == HeaderName.MAX_FORWARDS) {
            maxForwards = Integer.MIN_VALUE;
        }
    }

    // ---- system headers -----------------------------------------------------------------------------------

    /**
     * Whether this is the partial request of a {@code SipParseException} (or a response built from one): its
     * system header getters return null (or -1) for a header that is malformed.
     */
    public boolean isPartial() {
        return partial;
    }

    /** The top Via, or null when there is none. */
    public Via getTopVia() {
        List<Via> all = getVias();
        return all.isEmpty() ? null : all.get(0);
    }

    /** Every Via in order, each via-parm of a combined field on its own; unmodifiable. */
    public List<Via> getVias() {
        List<Via> v = vias;
        if (v == null) {
            List<Via> all = new ArrayList<>(2);
            for (int i = headers.indexOf(HeaderName.VIA, 0); i >= 0; i = headers.indexOf(HeaderName.VIA, i + 1)) {
                String value = value(i);
                List<Via> parsed = parsed(() -> Via.parseAll(value));
                if (parsed != null) {
                    all.addAll(parsed);
                }
            }
            vias = v = Collections.unmodifiableList(all);
        }
        return v;
    }

    public CSeq getCSeq() {
        CSeq c = cseq;
        if (c == null) {
            String v = getHeader(HeaderName.CSEQ);
            cseq = c = v == null ? null : parsed(() -> CSeq.parse(v));
        }
        return c;
    }

    public String getCallId() {
        String c = callId;
        if (c == null) {
            callId = c = getHeader(HeaderName.CALL_ID);
        }
        return c;
    }

    public NameAddress getFrom() {
        NameAddress f = from;
        if (f == null) {
            String v = getHeader(HeaderName.FROM);
            from = f = v == null ? null : parsed(() -> NameAddress.parse(v));
        }
        return f;
    }

    public NameAddress getTo() {
        NameAddress t = to;
        if (t == null) {
            String v = getHeader(HeaderName.TO);
            to = t = v == null ? null : parsed(() -> NameAddress.parse(v));
        }
        return t;
    }

    public String getFromTag() {
        NameAddress f = getFrom();
        return f == null ? null : f.tag();
    }

    public String getToTag() {
        NameAddress t = getTo();
        return t == null ? null : t.tag();
    }

    /** The Max-Forwards value, or -1 when absent. */
    public int getMaxForwards() {
        int m = maxForwards;
        if (m == Integer.MIN_VALUE) {
            String v = getHeader(HeaderName.MAX_FORWARDS);
            Integer value = v == null ? null : parsed(() -> HeaderValues.parseMaxForwards(v));
            maxForwards = m = value == null ? -1 : value;
        }
        return m;
    }

    /** The length of the body (what Content-Length says on output). */
    public int getContentLength() {
        return bodyLength;
    }

    private interface Parse<T> {
        T run() throws SipParseException;
    }

    /**
     * System header values were checked when set or received, so failing here means a broken invariant, except
     * in a partial request, where a malformed system header reads as null.
     */
    private <T> T parsed(Parse<T> parse) {
        try {
            return parse.run();
        } catch (SipParseException e) {
            if (partial) {
                return null;
            }
            throw new IllegalStateException("Unchecked system header: " + e.reasonPhrase(), e);
        }
    }

    // ---- body ---------------------------------------------------------------------------------------------

    /** The body; never null (an empty array when there is none). The array is the message's: do not write it. */
    public byte[] getBody() {
        byte[] b = bodyCopy;
        if (b == null) {
            if (bodyLength == 0) {
                b = EMPTY;
            } else if (bodyOffset == 0 && bodyLength == bodySource.length) {
                b = bodySource;
            } else {
                b = java.util.Arrays.copyOfRange(bodySource, bodyOffset, bodyOffset + bodyLength);
            }
            bodyCopy = b;
        }
        return b;
    }

    /** Sets the body and Content-Type ({@code null} removes it); Content-Length follows the body. */
    public void setBody(byte[] body, String contentType) {
        byte[] b = body == null ? EMPTY : body.clone();
        bodySource = b;
        bodyOffset = 0;
        bodyLength = b.length;
        bodyCopy = b;
        if (contentType == null) {
            removeHeader(HeaderName.CONTENT_TYPE);
        } else {
            setHeader(HeaderName.CONTENT_TYPE, contentType);
        }
        String length = Integer.toString(b.length);
        int first = headers.indexOf(HeaderName.CONTENT_LENGTH, 0);
        if (first < 0) {
            headers.insert(headers.size(), HeaderName.CONTENT_LENGTH, length);
        } else {
            headers.replace(first, length);
        }
    }

    // ---- output -------------------------------------------------------------------------------------------

    /** The message as bytes: untouched fields byte for byte, Content-Length right. */
    public byte[] encode() {
        MessageSink.ToArray sink = new MessageSink.ToArray(encodedSizeEstimate());
        writeTo(sink);
        return sink.toArray();
    }

    /** Writes the message into {@code out} without an intermediate array. */
    public void encode(ByteBuf out) {
        out.ensureWritable(encodedSizeEstimate());
        writeTo(new MessageSink.ToByteBuf(out));
    }

    /**
     * Bytes {@link #encode(ByteBuf)} may need, rounded up (text written since the parse counts twice, for UTF-8): a
     * buffer allocated at this size is written without being grown and copied on the way.
     */
    public int encodedSizeEstimate() {
        int size = startLineStart >= 0 ? headersStart - startLineStart : 80;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.isReceived(i)) {
                size += headers.fieldEnd(i) - headers.fieldStart(i);
            } else {
                size += headers.name(i).canonicalName().length() + 4 + headers.cachedValue(i).length() * 2;
            }
        }
        return size + 24 + bodyLength;
    }

    /** Writes the start line canonically, CRLF included. */
    abstract void writeCanonicalStartLine(MessageSink out);

    private void writeTo(MessageSink out) {
        if (startLineStart >= 0) {
            out.bytes(wire, startLineStart, headersStart - startLineStart);
        } else {
            writeCanonicalStartLine(out);
        }
        boolean contentLength = false;
        for (int i = 0; i < headers.size(); i++) {
            HeaderName name = headers.name(i);
            if (name == HeaderName.CONTENT_LENGTH) {
                if (contentLength) {
                    continue;
                }
                contentLength = true;
            }
            if (headers.isReceived(i)) {
                out.bytes(wire, headers.fieldStart(i), headers.fieldEnd(i) - headers.fieldStart(i));
            } else {
                out.ascii(name.canonicalName());
                out.ascii(": ");
                out.utf8(headers.cachedValue(i));
                out.bytes(CRLF, 0, 2);
            }
        }
        if (!contentLength) {
            out.ascii("Content-Length: ");
            out.decimal(bodyLength);
            out.bytes(CRLF, 0, 2);
        }
        out.bytes(CRLF, 0, 2);
        if (bodyLength > 0) {
            out.bytes(bodySource, bodyOffset, bodyLength);
        }
    }

    /** The message as text (UTF-8), for logs and tests. */
    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.UTF_8);
    }
}
