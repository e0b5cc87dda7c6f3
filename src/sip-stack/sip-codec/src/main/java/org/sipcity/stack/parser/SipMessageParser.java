package org.sipcity.stack.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.netty.buffer.ByteBuf;

import org.jboss.logging.Logger;
import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.PlainAddresses;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.address.WireText;
import org.sipcity.stack.message.HeaderIndex;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.HeaderValues;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.message.WireParts;

/**
 * Parses one whole SIP message: a datagram, or a frame the stream framer cut (RFC 3261 §7, §18.3).
 *
 * <p>One pass copies the bytes once, reads the start line and indexes the header fields (name and offsets,
 * no String per field). What transactions and responses need is checked at once: the Request-URI, Via (one
 * at least in a request), From, To, Call-ID, CSeq (number below 2**31, method equal to the request's),
 * Max-Forwards (0-255) and Content-Length (RFC 3261 §18.3: larger than the body is an error, smaller cuts the
 * body). Of those, only the Vias are built at once (the stack reads the top one on every message); CSeq,
 * Max-Forwards and Content-Length are read from the bytes without a String, Call-ID is checked there, and a
 * plain Request-URI, From or To ({@link PlainAddresses}) is checked there and parsed when first read. A value
 * that is not plain is parsed at once by the full grammar, which names the fault. Every other field is parsed
 * when read. Strict: lines end in CRLF, the Request-Line has single SPs.
 *
 * <p>Thread-safe and stateless: one instance serves every connection.
 */
public final class SipMessageParser {

    private static final Logger LOG = Logger.getLogger(SipMessageParser.class);

    private final ParserConfig config;

    public SipMessageParser(ParserConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public SipMessageParser() {
        this(ParserConfig.defaults());
    }

    /** Parses data[offset, offset+length); never returns null. */
    public SipMessage parse(byte[] data, int offset, int length) throws SipParseException {
        Objects.checkFromIndexSize(offset, length, data.length);
        byte[] copy = new byte[length];
        System.arraycopy(data, offset, copy, 0, length);
        return parseOwned(copy);
    }

    /** Parses the readable bytes of {@code frame}, copying them once; the buffer's indexes are not moved. */
    public SipMessage parse(ByteBuf frame) throws SipParseException {
        byte[] copy = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), copy);
        return parseOwned(copy);
    }

    private SipMessage parseOwned(byte[] bytes) throws SipParseException {
        try {
            return new Run(bytes, config).parse();
        } catch (SipParseException e) {
            throw e;
        } catch (RuntimeException e) {
            // A bug, not bad input: still answer as bad input, never let it escape to the transport.
            LOG.warnf(e, "Parser failure on a %d-byte message", bytes.length);
            throw new SipParseException(400, "Bad Request - Unparseable message", INTERNAL_FAULT, 0, false, null);
        }
    }

    /** The fault of a parser bug caught as a 400; tests assert it never happens. */
    public static final String INTERNAL_FAULT = "Internal parser error";

    /** The state of one parse. */
    private static final class Run {
        private final byte[] b;
        /** The same bytes as characters, for the checks that read values where they lie. */
        private final WireText text;
        private final int end;
        private final ParserConfig config;

        private SipParseException firstError;
        private boolean response;
        private int startLineStart;
        private int headersStart;
        // request line
        private SipMethod method;
        private Uri requestUri;
        private int requestUriStart = -1;
        /** Set when the Request-URI is plain and left unparsed: its end, and its scheme. */
        private int plainRequestUriEnd = -1;
        private String requestUriScheme;
        // status line
        private int status;
        private String reason;

        private HeaderIndex index;
        private int bodyStart = -1;

        Run(byte[] b, ParserConfig config) {
            this.b = b;
            this.text = new WireText(b);
            this.end = b.length;
            this.config = config;
        }

        private void error(SipParseException e) {
            if (firstError == null) {
                firstError = e;
            }
        }

        SipMessage parse() throws SipParseException {
            if (end > config.maxMessageSize()) {
                error(SipParseException.messageTooLarge(config.maxMessageSize()));
            }
            int p = 0;
            // RFC 3261 §7.5: CRLFs before the start line are ignored
            while (p + 1 < end && b[p] == '\r' && b[p + 1] == '\n') {
                p += 2;
            }
            startLineStart = p;
            int lf = lineEnd(p);
            if (lf < 0) {
                throw new SipParseException(400, "Bad Request - Missing CRLF after start line",
                        "Missing CRLF after start line", end, false, null);
            }
            headersStart = lf + 1;
            response = end - p >= 4 && (b[p] | 0x20) == 's' && (b[p + 1] | 0x20) == 'i' && (b[p + 2] | 0x20) == 'p'
                    && b[p + 3] == '/';
            if (response) {
                parseStatusLine(p, lf - 1);
            } else {
                parseRequestLine(p, lf - 1);
            }
            indexHeaders();
            return build();
        }

        /** The offset of the LF ending the line at {@code p}, which must be preceded by CR; -1 if none. */
        private int lineEnd(int p) {
            for (int i = p; i < end; i++) {
                if (b[i] == '\n') {
                    return i > p && b[i - 1] == '\r' ? i : -1;
                }
            }
            return -1;
        }

        // ---- start line -----------------------------------------------------------------------------------

        /** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF; {@code cr} is the CR offset. */
        private void parseStatusLine(int p, int cr) {
            int v = parseVersion(p, cr);
            if (v < 0) {
                return;
            }
            int codeStart = v + 1;
            // RFC 4475 §3.1.1.13: the SP after the status code is required even before an empty Reason-Phrase
            if (v >= cr || b[v] != ' ' || codeStart + 4 > cr || !digit(b[codeStart]) || !digit(b[codeStart + 1])
                    || !digit(b[codeStart + 2]) || b[codeStart + 3] != ' ') {
                error(SipParseException.badRequest("Invalid Status-Line", v));
                return;
            }
            status = (b[codeStart] - '0') * 100 + (b[codeStart + 1] - '0') * 10 + (b[codeStart + 2] - '0');
            if (status < 100 || status > 699) {
                error(SipParseException.badRequest("Invalid status code", codeStart));
                return;
            }
            int reasonStart = codeStart + 4;
            for (int i = reasonStart; i < cr; i++) {
                int c = b[i] & 0xFF;
                if (c < 0x20 && c != '\t' || c == 0x7F) {
                    error(SipParseException.badRequest("Invalid Reason-Phrase", i));
                    return;
                }
            }
            reason = HeaderValues.text(b, reasonStart, cr);
        }

        /** Request-Line = Method SP Request-URI SP SIP-Version CRLF (RFC 3261 §7.1, single SPs). */
        private void parseRequestLine(int p, int cr) {
            int i = p;
            while (i < cr && token(b[i])) {
                i++;
            }
            if (i == p || i >= cr || b[i] != ' ') {
                error(SipParseException.badRequest("Invalid Request-Line", i));
                return;
            }
            method = SipMethod.of(text, p, i - p);
            int uriStart = i + 1;
            int uriEnd = uriStart;
            while (uriEnd < cr && b[uriEnd] != ' ' && b[uriEnd] != '\t') {
                uriEnd++;
            }
            if (uriEnd == uriStart || uriEnd >= cr || b[uriEnd] != ' ') {
                error(SipParseException.badRequest("Invalid Request-Line", uriEnd));
                return;
            }
            int v = parseVersion(uriEnd + 1, cr);
            if (v < 0) {
                return;
            }
            if (v != cr) {
                error(SipParseException.badRequest("Invalid Request-Line", v));
                return;
            }
            requestUriStart = uriStart;
            if (PlainAddresses.isPlainSipUri(text, uriStart, uriEnd)) {
                plainRequestUriEnd = uriEnd;
                requestUriScheme = b[uriStart + 3] == ':' ? "sip" : "sips";
                return;
            }
            String uriText = HeaderValues.text(b, uriStart, uriEnd);
            try {
                requestUri = Uri.parse(uriText);
                requestUriScheme = requestUri.scheme();
                if (requestUri instanceof org.sipcity.stack.address.SipUri sip && !sip.headers().isEmpty()) {
                    // RFC 3261 §19.1.1 (table 1): URI headers are not allowed in a Request-URI
                    error(SipParseException.badRequest("Headers in Request-URI", uriStart + uriText.indexOf('?')));
                }
            } catch (SipParseException e) {
                error(SipParseException.badRequest("Invalid Request-URI", uriStart + e.offset()));
            }
        }

        /**
         * SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; returns the offset after it, or -1 after recording a
         * 505 for another version (RFC 3261 §21.5.6) or a 400 for no version at all.
         */
        private int parseVersion(int p, int limit) {
            int i = p + 4;
            if (limit - p < 4 || (b[p] | 0x20) != 's' || (b[p + 1] | 0x20) != 'i' || (b[p + 2] | 0x20) != 'p'
                    || b[p + 3] != '/') {
                error(SipParseException.badRequest("Invalid SIP version", p));
                return -1;
            }
            int majorStart = i;
            while (i < limit && digit(b[i])) {
                i++;
            }
            int majorEnd = i;
            if (majorEnd == majorStart || i >= limit || b[i] != '.') {
                error(SipParseException.badRequest("Invalid SIP version", i));
                return -1;
            }
            i++;
            int minorStart = i;
            while (i < limit && digit(b[i])) {
                i++;
            }
            if (i == minorStart) {
                error(SipParseException.badRequest("Invalid SIP version", i));
                return -1;
            }
            if (majorEnd - majorStart != 1 || b[majorStart] != '2' || i - minorStart != 1 || b[minorStart] != '0') {
                error(SipParseException.versionNotSupported(p));
                return -1;
            }
            return i;
        }

        // ---- header fields --------------------------------------------------------------------------------

        /** message-header = field-name HCOLON field-value CRLF, with folded continuation lines. */
        private void indexHeaders() {
            index = new HeaderIndex(16);
            int p = headersStart;
            while (true) {
                if (p >= end) {
                    error(SipParseException.badRequest("Missing empty line after header fields", p));
                    return;
                }
                if (b[p] == '\r') {
                    if (p + 1 < end && b[p + 1] == '\n') {
                        bodyStart = p + 2;
                        return;
                    }
                    error(SipParseException.badRequest("Bare CR in header fields", p));
                    return;
                }
                int fieldStart = p;
                while (p < end && token(b[p])) {
                    p++;
                }
                int nameEnd = p;
                while (p < end && (b[p] == ' ' || b[p] == '\t')) {
                    p++;
                }
                if (nameEnd == fieldStart || p >= end || b[p] != ':') {
                    error(SipParseException.badRequest("Invalid header field", p));
                    int next = skipField(fieldStart);
                    if (next < 0) {
                        return;
                    }
                    p = next;
                    continue;
                }
                p++;
                p = skipLws(p);
                int valueStart = p;
                int fieldEnd = skipField(p);
                if (fieldEnd < 0) {
                    error(SipParseException.badRequest("Missing CRLF after header field", fieldStart));
                    return;
                }
                int valueEnd = fieldEnd - 2;
                while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t'
                        || b[valueEnd - 1] == '\r' || b[valueEnd - 1] == '\n')) {
                    valueEnd--;
                }
                if (valueStart > valueEnd) {
                    valueStart = valueEnd;
                }
                index.addReceived(HeaderName.of(b, fieldStart, nameEnd - fieldStart), fieldStart, valueStart,
                        valueEnd, fieldEnd);
                p = fieldEnd;
            }
        }

        /** Skips SP, HTAB and folds (CRLF followed by SP or HTAB). */
        private int skipLws(int p) {
            while (p < end) {
                if (b[p] == ' ' || b[p] == '\t') {
                    p++;
                } else if (b[p] == '\r' && p + 2 < end && b[p + 1] == '\n' && (b[p + 2] == ' ' || b[p + 2] == '\t')) {
                    p += 3;
                } else {
                    break;
                }
            }
            return p;
        }

        /** The offset after the CRLF ending the field at {@code p}, following folded lines; -1 if none. */
        private int skipField(int p) {
            int i = p;
            while (i < end) {
                byte c = b[i];
                if (c == '\r') {
                    if (i + 1 >= end || b[i + 1] != '\n') {
                        return -1;
                    }
                    if (i + 2 < end && (b[i + 2] == ' ' || b[i + 2] == '\t')) {
                        i += 3;
                        continue;
                    }
                    return i + 2;
                }
                if (c == '\n') {
                    return -1;
                }
                i++;
            }
            return -1;
        }

        // ---- system headers and result --------------------------------------------------------------------

        private String value(int i) {
            return index.value(b, i);
        }

        private SipMessage build() throws SipParseException {
            List<Via> vias = null;
            boolean viaError = false;
            int from = -1;
            int to = -1;
            int callId = -1;
            int cseq = -1;
            int maxForwards = -1;
            int contentLength = -1;
            for (int i = 0; i < index.size(); i++) {
                HeaderName n = index.name(i);
                if (n == HeaderName.VIA) {
                    CharSequence v = chars(i);
                    try {
                        List<Via> parsed = Via.parseAll(v, from(i, v), to(i, v));
                        if (vias == null) {
                            vias = parsed;
                        } else {
                            vias.addAll(parsed);
                        }
                    } catch (SipParseException e) {
                        viaError = true;
                        error(v == text ? e : e.shiftedBy(index.valueStart(i)));
                    }
                } else if (n == HeaderName.FROM) {
                    from = single(from, i, "From");
                } else if (n == HeaderName.TO) {
                    to = single(to, i, "To");
                } else if (n == HeaderName.CALL_ID) {
                    callId = single(callId, i, "Call-ID");
                } else if (n == HeaderName.CSEQ) {
                    cseq = single(cseq, i, "CSeq");
                } else if (n == HeaderName.MAX_FORWARDS) {
                    maxForwards = single(maxForwards, i, "Max-Forwards");
                } else if (n == HeaderName.CONTENT_LENGTH) {
                    contentLength = single(contentLength, i, "Content-Length");
                }
            }
            if (vias == null) {
                vias = new ArrayList<>(0);
                error(SipParseException.badRequest("Missing Via", headersStart));
            }
            NameAddress fromValue = nameAddress(from, "From");
            NameAddress toValue = nameAddress(to, "To");
            if (callId < 0) {
                error(SipParseException.badRequest("Missing Call-ID", headersStart));
            } else {
                CharSequence v = chars(callId);
                try {
                    HeaderValues.checkCallId(v, from(callId, v), to(callId, v));
                } catch (SipParseException e) {
                    error(e.shiftedBy(index.valueStart(callId)));
                }
            }
            CSeq cseqValue = null;
            if (cseq < 0) {
                error(SipParseException.badRequest("Missing CSeq", headersStart));
            } else {
                CharSequence v = chars(cseq);
                try {
                    cseqValue = CSeq.parse(v, from(cseq, v), to(cseq, v));
                } catch (SipParseException e) {
                    error(SipParseException.badRequest("Invalid CSeq", index.valueStart(cseq) + e.offset()));
                }
            }
            if (cseqValue != null && method != null && !cseqValue.method().equals(method)) {
                // RFC 3261 §8.1.1.5: the CSeq method MUST match the request method
                error(SipParseException.badRequest("CSeq method does not match Request-Line",
                        index.valueStart(cseq)));
            }
            int maxForwardsValue = -1;
            if (maxForwards >= 0 && !response) {
                CharSequence v = chars(maxForwards);
                try {
                    maxForwardsValue = HeaderValues.parseMaxForwards(v, from(maxForwards, v), to(maxForwards, v));
                } catch (SipParseException e) {
                    error(e.shiftedBy(index.valueStart(maxForwards)));
                }
            }
            int bodyLength = bodyLength(contentLength);
            int bodyOffset = bodyStart < 0 ? end : bodyStart;

            if (!response && firstError == null && !config.requestUriSchemes().contains(requestUriScheme)) {
                // RFC 3261 §8.2.2.1: decided last, so any syntax fault is reported first
                error(SipParseException.unsupportedUriScheme(requestUriStart));
            }
            // A response can be built (RFC 3261 §8.2.6) and sent back along the Vias (§18.2.2) when every Via is
            // valid and From, To, Call-ID and CSeq are present; createResponse copies those as received, so a
            // malformed From, To or CSeq is echoed (RFC 4475 §3.1.2.4, §3.1.2.6, §3.1.2.14, §3.1.2.15 ask for a 400).
            boolean answerable = method != null && !vias.isEmpty() && !viaError && from >= 0 && to >= 0
                    && callId >= 0 && cseq >= 0;
            WireParts parts = new WireParts(b, startLineStart, headersStart, index, bodyOffset,
                    Math.max(bodyLength, 0), vias, fromValue, toValue, cseqValue, maxForwardsValue,
                    firstError != null);
            if (response) {
                if (firstError != null) {
                    throw firstError.inResponse();
                }
                return SipResponse.fromWire(status, reason, parts);
            }
            if (firstError != null) {
                throw answerable ? firstError.withPartialRequest(request(parts)) : firstError;
            }
            return request(parts);
        }

        private SipRequest request(WireParts parts) {
            return plainRequestUriEnd >= 0
                    ? SipRequest.fromWire(method, requestUriStart, plainRequestUriEnd, parts)
                    : SipRequest.fromWire(method, requestUri, parts);
        }

        /**
         * Field i's value as characters: the received bytes where it lies, or its text for a value that is
         * folded (the grammars expect the line breaks unfolded) or holds UTF-8 (read as such, not byte by
         * byte); {@link #from} and {@link #to} bound it.
         */
        private CharSequence chars(int i) {
            for (int k = index.valueStart(i); k < index.valueEnd(i); k++) {
                if (b[k] == '\r' || b[k] < 0) {
                    return value(i);
                }
            }
            return text;
        }

        private int from(int i, CharSequence chars) {
            return chars == text ? index.valueStart(i) : 0;
        }

        private int to(int i, CharSequence chars) {
            return chars == text ? index.valueEnd(i) : chars.length();
        }

        /** Records the field index of a header that may appear only once (RFC 3261 §7.3.1, RFC 4475 §3.3.8). */
        private int single(int previous, int i, String name) {
            if (previous >= 0) {
                error(SipParseException.badRequest("Multiple " + name + " header fields", index.fieldStart(i)));
                return previous;
            }
            return i;
        }

        /** A From or To: null when absent (an error) or plain (left for the first read), else parsed. */
        private NameAddress nameAddress(int i, String name) {
            if (i < 0) {
                error(SipParseException.badRequest("Missing " + name, headersStart));
                return null;
            }
            if (PlainAddresses.isPlainNameAddress(text, index.valueStart(i), index.valueEnd(i))) {
                return null;
            }
            try {
                NameAddress na = NameAddress.parse(value(i));
                if (na.isWildcard()) {
                    throw SipParseException.badRequest("Invalid " + name, 0);
                }
                return na;
            } catch (SipParseException e) {
                error(SipParseException.badRequest("Invalid " + name + " header field",
                        index.valueStart(i) + e.offset()));
                return null;
            }
        }

        /** RFC 3261 §18.3 / §20.14: the body length Content-Length gives, checked against what arrived. */
        private int bodyLength(int field) {
            int available = bodyStart < 0 ? 0 : end - bodyStart;
            if (field < 0) {
                // datagram without Content-Length: the body runs to the end of the datagram (§18.3)
                return available;
            }
            int vs = index.valueStart(field);
            int ve = index.valueEnd(field);
            long n = 0;
            for (int i = vs; i < ve; i++) {
                if (!digit(b[i]) || n > Integer.MAX_VALUE) {
                    error(SipParseException.badRequest("Invalid Content-Length", i));
                    return 0;
                }
                n = n * 10 + (b[i] - '0');
            }
            if (ve == vs || n > Integer.MAX_VALUE) {
                error(SipParseException.badRequest("Invalid Content-Length", vs));
                return 0;
            }
            if (n > available) {
                error(SipParseException.badRequest("Content-Length larger than the body", vs));
                return available;
            }
            return (int) n;
        }

        private static boolean digit(byte c) {
            return c >= '0' && c <= '9';
        }

        private static boolean token(byte c) {
            return org.sipcity.stack.address.SipChars.isTokenChar(c);
        }
    }
}
