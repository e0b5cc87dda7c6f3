package org.sipcity.stack.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.parser.Messages;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.parser.SipParseException;

class SipMessageTest {

    private final SipMessageParser parser = new SipMessageParser();

    private SipMessage parse(String text) throws SipParseException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return parser.parse(b, 0, b.length);
    }

    private static String text(SipMessage m) {
        return new String(m.encode(), StandardCharsets.UTF_8);
    }

    private static final String PROXIED = String.join("\r\n",
            "INVITE sip:bob@biloxi.example.com SIP/2.0",
            "v: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/UDP p2.example.com;branch=z9hG4bK2",
            "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK3",
            "Record-Route: <sip:p2.example.com;lr>",
            "Max-Forwards: 68",
            "t: Bob <sip:bob@biloxi.example.com>",
            "f: \"Smith, Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
            "i: a84b4c76e66710",
            "CSeq: 314159 INVITE",
            "Timestamp: 54",
            "Route: <sip:a,b@p3.example.com;lr>, \"x,y\" <sip:p4.example.com;lr>",
            "Subject: lunch,",
            " folded, and",
            "\t twice",
            "l: 0", "", "");

    @Test
    void compactFormsAndFoldedLines() throws Exception {
        SipMessage m = parse(PROXIED);
        assertThat(m.getCallId()).isEqualTo("a84b4c76e66710");
        assertThat(m.getFrom().displayName()).isEqualTo("Smith, Alice");
        assertThat(m.getHeader(HeaderName.SUBJECT)).isEqualTo("lunch, folded, and twice");
        assertThat(m.getHeaderNames()).containsExactly(HeaderName.VIA, HeaderName.RECORD_ROUTE,
                HeaderName.MAX_FORWARDS, HeaderName.TO, HeaderName.FROM, HeaderName.CALL_ID, HeaderName.CSEQ,
                HeaderName.TIMESTAMP, HeaderName.ROUTE, HeaderName.SUBJECT, HeaderName.CONTENT_LENGTH);
    }

    @Test
    void multiValueSplittingRespectsQuotesAndAngleBrackets() throws Exception {
        SipMessage m = parse(PROXIED);
        assertThat(m.getHeaders(HeaderName.ROUTE))
                .containsExactly("<sip:a,b@p3.example.com;lr>", "\"x,y\" <sip:p4.example.com;lr>");
        assertThat(m.getHeader(HeaderName.ROUTE)).isEqualTo("<sip:a,b@p3.example.com;lr>");
        assertThat(m.getHeaders(HeaderName.VIA)).hasSize(3);
        assertThat(m.getVias()).extracting(v -> v.branch()).containsExactly("z9hG4bK1", "z9hG4bK2", "z9hG4bK3");
        // Subject is not a list header: its commas stay
        assertThat(m.getHeaders(HeaderName.SUBJECT)).containsExactly("lunch, folded, and twice");
    }

    @Test
    void proxyRemovesTopViaOfACombinedField() throws Exception {
        SipMessage m = parse(PROXIED);
        assertThat(m.removeFirstHeader(HeaderName.VIA)).isTrue();
        assertThat(m.getTopVia().branch()).isEqualTo("z9hG4bK2");
        assertThat(text(m)).contains("Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bK2\r\nVia: SIP/2.0/UDP pc33");
        m.removeFirstHeader(HeaderName.VIA);
        m.removeFirstHeader(HeaderName.VIA);
        assertThat(m.getTopVia()).isNull();
        assertThat(m.removeFirstHeader(HeaderName.VIA)).isFalse();
    }

    @Test
    void proxyAddsViaAndRecordRouteFirst() throws Exception {
        SipMessage m = parse(PROXIED);
        m.addHeaderFirst(HeaderName.VIA, "SIP/2.0/TCP proxy.example.com;branch=z9hG4bKnew");
        m.addHeaderFirst(HeaderName.RECORD_ROUTE, "<sip:proxy.example.com;lr>");
        m.setHeader(HeaderName.MAX_FORWARDS, "67");
        String out = text(m);
        assertThat(out).startsWith("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKnew\r\n"
                + "v: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/UDP p2.example.com;branch=z9hG4bK2\r\n");
        assertThat(out).contains("Record-Route: <sip:proxy.example.com;lr>\r\nRecord-Route: <sip:p2.example.com;lr>\r\n");
        assertThat(out).contains("Max-Forwards: 67\r\nt: Bob");
        assertThat(m.getTopVia().branch()).isEqualTo("z9hG4bKnew");
        assertThat(m.getVias()).hasSize(4);
        assertThat(m.getMaxForwards()).isEqualTo(67);
        SipMessage again = parse(out);
        assertThat(again.getVias()).hasSize(4);
        assertThat(again.getHeaders(HeaderName.RECORD_ROUTE)).hasSize(2);
    }

    @Test
    void untouchedFieldsStayByteForByteAroundChangedOnes() throws Exception {
        SipMessage m = parse(PROXIED);
        m.addHeader(HeaderName.of("X-Note"), "hello");
        m.removeHeader(HeaderName.TIMESTAMP);
        String out = text(m);
        assertThat(out).contains("Subject: lunch,\r\n folded, and\r\n\t twice\r\n");
        assertThat(out).contains("f: \"Smith, Alice\"");
        assertThat(out).doesNotContain("Timestamp");
        assertThat(out).endsWith("l: 0\r\nX-Note: hello\r\n\r\n");
    }

    @Test
    void setHeaderReplacesEveryFieldAndAddHeaderGoesAfterTheLast() throws Exception {
        SipMessage m = parse(PROXIED);
        m.setHeader(HeaderName.ROUTE, "<sip:only.example.com;lr>");
        assertThat(m.getHeaders(HeaderName.ROUTE)).containsExactly("<sip:only.example.com;lr>");
        m.addHeader(HeaderName.ROUTE, "<sip:second.example.com;lr>");
        assertThat(m.getHeaders(HeaderName.ROUTE)).containsExactly("<sip:only.example.com;lr>", "<sip:second.example.com;lr>");
        assertThat(text(m)).contains("Route: <sip:only.example.com;lr>\r\nRoute: <sip:second.example.com;lr>\r\nSubject:");
        assertThat(m.removeHeader(HeaderName.ROUTE)).isTrue();
        assertThat(m.hasHeader(HeaderName.ROUTE)).isFalse();
        assertThat(m.removeHeader(HeaderName.ROUTE)).isFalse();
    }

    @Test
    void systemHeaderValuesAreCheckedWhenSet() throws Exception {
        SipMessage m = parse(PROXIED);
        assertThatThrownBy(() -> m.setHeader(HeaderName.VIA, "garbage")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setHeader(HeaderName.CSEQ, "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setHeader(HeaderName.MAX_FORWARDS, "256")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setHeader(HeaderName.FROM, "*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setHeader(HeaderName.CALL_ID, "a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setHeader(HeaderName.CONTENT_LENGTH, "5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setHeader(HeaderName.SUBJECT, "a\r\nVia: x")).isInstanceOf(IllegalArgumentException.class);
        m.setHeader(HeaderName.CSEQ, "314160 INVITE");
        assertThat(m.getCSeq().sequence()).isEqualTo(314160);
        m.setHeader(HeaderName.TO, "<sip:carol@chicago.example.com>;tag=9");
        assertThat(m.getToTag()).isEqualTo("9");
    }

    @Test
    void bodyAndContentLengthStayTogether() throws Exception {
        SipMessage m = parse(Messages.INVITE);
        assertThat(new String(m.getBody(), StandardCharsets.UTF_8)).isEqualTo(Messages.SDP);
        m.setBody("hello".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(m.getContentLength()).isEqualTo(5);
        assertThat(m.getHeader(HeaderName.CONTENT_LENGTH)).isEqualTo("5");
        String out = text(m);
        assertThat(out).contains("Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello").endsWith("hello");
        m.setBody(null, null);
        assertThat(m.getBody()).isEmpty();
        assertThat(m.hasHeader(HeaderName.CONTENT_TYPE)).isFalse();
        assertThat(text(m)).endsWith("Content-Length: 0\r\n\r\n");
    }

    @Test
    void missingContentLengthIsAddedOnOutput() throws Exception {
        SipMessage m = parse(Messages.REGISTER.replace("Content-Length: 0\r\n", ""));
        assertThat(text(m)).endsWith("Expires: 7200\r\nContent-Length: 0\r\n\r\n");
    }

    @Test
    void aResponseFitsTheBufferItsEstimateAllocates() throws Exception {
        // The channel allocates encodedSizeEstimate() bytes: a 200 to a REGISTER, with the fields a registrar adds,
        // must be written into that without growing the buffer (a grown pooled buffer is a second allocation and a copy).
        SipResponse ok = ((SipRequest) parse(Messages.REGISTER)).createResponse(200, null);
        ok.setToTag("5f3a9c1e77d02b4a");
        ok.addHeader(HeaderName.CONTACT, "<sip:bench00042@127.0.0.1:5080;transport=tcp;ob>;expires=3600;"
                + "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1");
        ok.addHeader(HeaderName.of("Date"), "Thu, 26 Nov 2026 13:05:00 GMT");
        int estimate = ok.encodedSizeEstimate();
        io.netty.buffer.ByteBuf fixed = io.netty.buffer.Unpooled.buffer(estimate, estimate);
        try {
            ok.encode(fixed);
            assertThat(fixed.capacity()).isEqualTo(estimate);
            assertThat(fixed.toString(StandardCharsets.UTF_8)).isEqualTo(text(ok));
        } finally {
            fixed.release();
        }
    }

    @Test
    void createResponseCopiesTheRfc3261Section8_2_6_2Fields() throws Exception {
        SipRequest request = (SipRequest) parse(PROXIED);
        SipResponse ok = request.createResponse(200, null);
        assertThat(ok.getReasonPhrase()).isEqualTo("OK");
        assertThat(text(ok)).isEqualTo(String.join("\r\n",
                "SIP/2.0 200 OK",
                "v: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/UDP p2.example.com;branch=z9hG4bK2",
                "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK3",
                "t: Bob <sip:bob@biloxi.example.com>",
                "f: \"Smith, Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
                "i: a84b4c76e66710",
                "CSeq: 314159 INVITE",
                "Content-Length: 0", "", ""));
        assertThat(ok.getToTag()).isNull();
        ok.setToTag("a6c85cf");
        assertThat(ok.getToTag()).isEqualTo("a6c85cf");
        assertThat(text(ok)).contains("To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n");
        assertThat(request.getToTag()).isNull();
        // §8.2.6.1: a 100 copies the Timestamp
        assertThat(request.createResponse(100).getHeader(HeaderName.TIMESTAMP)).isEqualTo("54");
        assertThat(request.createResponse(180).hasHeader(HeaderName.TIMESTAMP)).isFalse();
        assertThatThrownBy(() -> request.createResponse(99)).isInstanceOf(IllegalArgumentException.class);
        SipResponse parsed = (SipResponse) parse(text(ok));
        assertThat(parsed.getStatus()).isEqualTo(200);
        assertThat(parsed.getVias()).hasSize(3);
    }

    @Test
    void requestBuiltInCode() throws Exception {
        SipRequest r = SipRequest.create(SipMethod.OPTIONS, SipUri.parse("sip:bob@biloxi.example.com"));
        r.addHeader(HeaderName.VIA, "SIP/2.0/TCP client.example.com;branch=z9hG4bKx;rport");
        r.addHeader(HeaderName.MAX_FORWARDS, "70");
        r.addHeader(HeaderName.TO, "<sip:bob@biloxi.example.com>");
        r.addHeader(HeaderName.FROM, "<sip:alice@atlanta.example.com>;tag=1");
        r.addHeader(HeaderName.CALL_ID, "abc@client");
        r.addHeader(HeaderName.CSEQ, "1 OPTIONS");
        String out = text(r);
        assertThat(out).isEqualTo(String.join("\r\n",
                "OPTIONS sip:bob@biloxi.example.com SIP/2.0",
                "Via: SIP/2.0/TCP client.example.com;branch=z9hG4bKx;rport",
                "Max-Forwards: 70",
                "To: <sip:bob@biloxi.example.com>",
                "From: <sip:alice@atlanta.example.com>;tag=1",
                "Call-ID: abc@client",
                "CSeq: 1 OPTIONS",
                "Content-Length: 0", "", ""));
        SipRequest parsed = (SipRequest) parse(out);
        assertThat(parsed.getTopVia().hasRport()).isTrue();
        assertThat(r.getMaxForwards()).isEqualTo(70);
        assertThat(r.getFromTag()).isEqualTo("1");
    }

    @Test
    void changedRequestUriRewritesOnlyTheRequestLine() throws Exception {
        SipRequest r = (SipRequest) parse(Messages.REGISTER);
        r.setRequestUri(SipUri.parse("sip:registrar.example.com;transport=tcp"));
        String out = text(r);
        assertThat(out).startsWith("REGISTER sip:registrar.example.com;transport=tcp SIP/2.0\r\nVia: ");
        assertThat(out.substring(out.indexOf("\r\n"))).isEqualTo(Messages.REGISTER.substring(Messages.REGISTER.indexOf("\r\n")));
    }

    @Test
    void utf8ValuesSetInCodeAreWrittenAsUtf8() throws Exception {
        SipResponse r = SipResponse.create(486, "Besetzt – später");
        r.addHeader(HeaderName.SUBJECT, "Grüße");
        byte[] out = r.encode();
        assertThat(new String(out, StandardCharsets.UTF_8)).startsWith("SIP/2.0 486 Besetzt – später\r\nSubject: Grüße\r\n");
        var buf = io.netty.buffer.Unpooled.buffer();
        r.encode(buf);
        assertThat(io.netty.buffer.ByteBufUtil.getBytes(buf)).isEqualTo(out);
    }

    @Test
    void nameAddressesOfListHeaders() throws Exception {
        SipMessage m = parse(PROXIED);
        var routes = m.getNameAddresses(HeaderName.ROUTE);
        assertThat(routes).hasSize(2);
        assertThat(((SipUri) routes.get(0).uri()).user()).isEqualTo("a,b");
        assertThat(routes.get(1).displayName()).isEqualTo("x,y");
        assertThat(m.getNameAddresses(HeaderName.CONTACT)).isEmpty();
        m.addHeader(HeaderName.CONTACT, "<sip:broken");
        assertThatThrownBy(() -> m.getNameAddresses(HeaderName.CONTACT)).isInstanceOf(SipParseException.class);
    }

    /** Header offsets beyond 16 bits (a message over 64 KiB, where a stream allows one) widen the index. */
    @Test
    void fieldsBeyondSixtyFourKibibytesKeepTheirPlace() throws Exception {
        String large = String.join("\r\n",
                "MESSAGE sip:bob@biloxi.example.com SIP/2.0",
                "Via: SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK776",
                "X-Padding: " + "p".repeat(70_000),
                "Max-Forwards: 70",
                "To: <sip:bob@biloxi.example.com>",
                "From: <sip:alice@atlanta.example.com>;tag=88",
                "Call-ID: beyond-64k",
                "CSeq: 1 MESSAGE",
                "Content-Length: 0", "", "");
        byte[] b = large.getBytes(StandardCharsets.US_ASCII);
        SipMessage m = new SipMessageParser(org.sipcity.stack.parser.ParserConfig.defaults().withMaxMessageSize(200_000))
                .parse(b, 0, b.length);
        assertThat(m.getCallId()).isEqualTo("beyond-64k");
        assertThat(m.getFromTag()).isEqualTo("88");
        assertThat(m.getHeader(HeaderName.of("X-Padding"))).hasSize(70_000);
        assertThat(text(m)).isEqualTo(large);
        m.addHeaderFirst(HeaderName.VIA, "SIP/2.0/TCP p1.example.com;branch=z9hG4bK1");
        m.removeHeader(HeaderName.of("X-Padding"));
        assertThat(text(m)).contains("CSeq: 1 MESSAGE\r\n").startsWith("MESSAGE sip:bob@biloxi.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP p1.example.com;branch=z9hG4bK1\r\nVia: SIP/2.0/TCP pc33");
        assertThat(m.getCallId()).isEqualTo("beyond-64k");
    }
}
