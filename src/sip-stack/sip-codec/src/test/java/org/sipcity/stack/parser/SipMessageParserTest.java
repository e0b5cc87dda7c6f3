package org.sipcity.stack.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.sipcity.stack.parser.Messages.bytes;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

class SipMessageParserTest {

    private final SipMessageParser parser = new SipMessageParser(ParserConfig.defaults());

    private SipMessage parse(String text) throws SipParseException {
        byte[] b = bytes(text);
        return parser.parse(b, 0, b.length);
    }

    private SipParseException failure(String text) {
        return catchThrowableOfType(SipParseException.class, () -> parse(text));
    }

    @Test
    void parsesRegisterAndExposesSystemHeaders() throws Exception {
        SipRequest r = (SipRequest) parse(Messages.REGISTER);
        assertThat(r.getMethod()).isSameAs(SipMethod.REGISTER);
        assertThat(((SipUri) r.getRequestUri()).host()).isEqualTo("registrar.biloxi.example.com");
        assertThat(r.getTopVia().branch()).isEqualTo("z9hG4bKnashds7");
        assertThat(r.getTopVia().hasRport()).isTrue();
        assertThat(r.getTopVia().rport()).isEqualTo(-1);
        assertThat(r.getTopVia().port()).isEqualTo(5060);
        assertThat(r.getFromTag()).isEqualTo("456248");
        assertThat(r.getToTag()).isNull();
        assertThat(r.getTo().displayName()).isEqualTo("Bob");
        assertThat(r.getCallId()).isEqualTo("843817637684230@998sdasdh09");
        assertThat(r.getCSeq().sequence()).isEqualTo(1826);
        assertThat(r.getCSeq().method()).isSameAs(SipMethod.REGISTER);
        assertThat(r.getMaxForwards()).isEqualTo(70);
        assertThat(r.getContentLength()).isZero();
        assertThat(r.getHeaders(HeaderName.SUPPORTED)).containsExactly("outbound", "path");
        assertThat(r.getHeader(HeaderName.EXPIRES)).isEqualTo("7200");
    }

    @Test
    void untouchedMessageEncodesByteForByte() throws Exception {
        assertThat(parse(Messages.REGISTER).encode()).isEqualTo(bytes(Messages.REGISTER));
        assertThat(parse(Messages.INVITE).encode()).isEqualTo(bytes(Messages.INVITE));
        var buf = Unpooled.buffer();
        parse(Messages.INVITE).encode(buf);
        assertThat(io.netty.buffer.ByteBufUtil.getBytes(buf)).isEqualTo(bytes(Messages.INVITE));
    }

    @Test
    void parsesFromByteBufWithoutMovingIt() throws Exception {
        var buf = Unpooled.wrappedBuffer(bytes("garbage"), bytes(Messages.INVITE));
        buf.skipBytes(7);
        SipMessage m = parser.parse(buf);
        assertThat(m.getBody()).hasSize(Messages.SDP.length());
        assertThat(buf.readerIndex()).isEqualTo(7);
    }

    @Test
    void parsesResponse() throws Exception {
        SipResponse r = (SipResponse) parse(String.join("\r\n",
                "SIP/2.0 180 Ringing",
                "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1",
                "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf",
                "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
                "Call-ID: a84b4c76e66710",
                "CSeq: 314159 INVITE",
                "Content-Length: 0", "", ""));
        assertThat(r.getStatus()).isEqualTo(180);
        assertThat(r.getReasonPhrase()).isEqualTo("Ringing");
        assertThat(r.getToTag()).isEqualTo("a6c85cf");
        assertThat(r.getTopVia().received()).isEqualTo("192.0.2.1");
    }

    @Test
    void cseqOutOfRangeIsBadRequestWithPartialRequest() {
        SipParseException e = failure(Messages.REGISTER.replace("CSeq: 1826", "CSeq: 2147483648"));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.reasonPhrase()).isEqualTo("Bad Request - Invalid CSeq");
        assertThat(e.isRequest()).isTrue();
        // answerable: the 400 echoes the CSeq as received (RFC 4475 §3.1.2.4)
        assertThat(e.canAnswer()).isTrue();
        assertThat(e.partialRequest().isPartial()).isTrue();
        assertThat(e.partialRequest().getCSeq()).isNull();
        SipResponse answer = e.partialRequest().createResponse(400, e.reasonPhrase());
        assertThat(answer.getCSeq()).isNull();
        assertThat(new String(answer.encode(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\r\nCSeq: 2147483648 REGISTER\r\n");
    }

    @Test
    void invalidViaIsNotAnswerable() {
        SipParseException e = failure(Messages.REGISTER.replace(";branch=z9hG4bKnashds7;rport", ";branch=;rport"));
        assertThat(e.fault()).isEqualTo("Invalid Via");
        assertThat(e.isRequest()).isTrue();
        assertThat(e.canAnswer()).isFalse();
    }

    @Test
    void cseqMethodMismatchIsAnswerable() {
        SipParseException e = failure(Messages.REGISTER.replace("CSeq: 1826 REGISTER", "CSeq: 1826 INVITE"));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.fault()).isEqualTo("CSeq method does not match Request-Line");
        assertThat(e.canAnswer()).isTrue();
        assertThat(e.partialRequest().getCallId()).isEqualTo("843817637684230@998sdasdh09");
    }

    @Test
    void badVersionIs505() {
        SipParseException e = failure(Messages.REGISTER.replace("SIP/2.0\r\nVia", "SIP/7.0\r\nVia"));
        assertThat(e.statusCode()).isEqualTo(505);
        assertThat(e.canAnswer()).isTrue();
    }

    @Test
    void unsupportedSchemeIs416() {
        SipParseException e = failure(Messages.REGISTER.replace("sip:registrar.biloxi.example.com", "http://x.example.com/"));
        assertThat(e.statusCode()).isEqualTo(416);
        assertThat(e.canAnswer()).isTrue();
    }

    @Test
    void contentLengthLargerThanBodyIs400AndSmallerTruncates() throws Exception {
        assertThat(failure(Messages.INVITE.replace("Content-Length: " + Messages.SDP.length(), "Content-Length: 999"))
                .fault()).isEqualTo("Content-Length larger than the body");
        SipMessage m = parse(Messages.INVITE.replace("Content-Length: " + Messages.SDP.length(), "Content-Length: 3"));
        assertThat(m.getBody()).containsExactly('v', '=', '0');
    }

    @Test
    void malformedResponseIsDropped() {
        SipParseException e = failure(String.join("\r\n", "SIP/2.0 99 Bad", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "", ""));
        assertThat(e.isRequest()).isFalse();
        assertThat(e.canAnswer()).isFalse();
    }

    @Test
    void tooLargeIs513() {
        SipMessageParser small = new SipMessageParser(ParserConfig.defaults().withMaxMessageSize(256));
        byte[] b = bytes(Messages.INVITE);
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> small.parse(b, 0, b.length));
        assertThat(e.statusCode()).isEqualTo(513);
        assertThat(e.canAnswer()).isTrue();
    }

    @Test
    void faultOffsetPointsAtTheBadValue() {
        String text = Messages.REGISTER.replace("CSeq: 1826 REGISTER", "CSeq: 1826 REG ISTER");
        SipParseException e = failure(text);
        assertThat(e.fault()).isEqualTo("Invalid CSeq");
        assertThat(e.offset()).isBetween(text.indexOf("1826"), text.indexOf("1826") + "1826 REG ISTER".length());
    }

    @Test
    void headersOutsideTheSystemSetAreParsedOnlyWhenRead() throws Exception {
        // a broken Contact does not stop the parse; whoever reads it gets the 400
        SipMessage m = parse(Messages.REGISTER.replace("Contact: <sip:bob@192.0.2.4:5060;transport=tcp>",
                "Contact: <sip:bob@192.0.2.4:5060;transport=tcp"));
        String contact = m.getHeader(HeaderName.CONTACT);
        assertThat(m.getHeader(HeaderName.CONTACT)).isSameAs(contact);
        SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> org.sipcity.stack.address.NameAddress.parse(contact));
        assertThat(e.statusCode()).isEqualTo(400);
    }

    @Test
    void structuralFaultsNameTheirCause() {
        assertThat(failure("REGISTER sip:a.example.com SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n").fault())
                .isEqualTo("Invalid header field");
        assertThat(failure(Messages.REGISTER.replace("\r\n\r\n", "\r\n")).fault())
                .isEqualTo("Missing empty line after header fields");
        assertThat(failure(Messages.REGISTER.replace("Max-Forwards: 70", "Max-Forwards: 70\rX")).fault())
                .isEqualTo("Missing CRLF after header field");
        assertThat(failure(Messages.REGISTER.replace("Call-ID: 843817637684230@998sdasdh09\r\n", "")).fault())
                .isEqualTo("Missing Call-ID");
        assertThat(failure(Messages.REGISTER.replace("Max-Forwards: 70", "Max-Forwards: 70\r\n Max")).fault())
                .isEqualTo("Invalid Max-Forwards");
        assertThat(failure("").isRequest()).isFalse();
        assertThat(failure("\r\n\r\n").isRequest()).isFalse();
    }

    @Test
    void leadingCrlfsAreIgnored() throws Exception {
        // RFC 3261 §7.5
        SipMessage m = parse("\r\n\r\n" + Messages.REGISTER);
        assertThat(m.getCallId()).isEqualTo("843817637684230@998sdasdh09");
        assertThat(m.encode()).isEqualTo(bytes(Messages.REGISTER));
    }
}
