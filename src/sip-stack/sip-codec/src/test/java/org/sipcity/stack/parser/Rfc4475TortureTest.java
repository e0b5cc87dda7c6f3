package org.sipcity.stack.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sipcity.stack.address.AbsoluteUri;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/**
 * The 49 torture messages of RFC 4475, read from {@code ${sipcity.shared.dir}/conformance/rfc4475}, each fed as
 * one datagram, with what RFC 4475 §3 says of it. Where the RFC leaves a choice ("it is acceptable to reject",
 * "an element could be liberal"), the row states the choice of this strict parser and the RFC's reason.
 */
class Rfc4475TortureTest {

    private static final Path DIR = Path.of(System.getProperty("sipcity.shared.dir", "../../../../shared"),
            "conformance", "rfc4475");

    private final SipMessageParser parser = new SipMessageParser(ParserConfig.defaults());

    /** What the parser must do with a file. */
    enum Outcome {
        /** Parses; the checks read values. */
        ACCEPT,
        /** A request rejected with the given status; a response can be built (Via, From, To, Call-ID, CSeq). */
        REJECT_ANSWERABLE,
        /** A request rejected with the given status, too broken to answer (RFC 3261 §8.2.6 needs the headers). */
        REJECT_UNANSWERABLE,
        /** A malformed response: dropped, never answered. */
        DROP
    }

    interface Check {
        void verify(SipMessage m) throws Exception;
    }

    record Case(String file, String section, Outcome outcome, int status, String fault, String why, Check check) {
        @Override
        public String toString() {
            return file + " (RFC 4475 §" + section + ")";
        }
    }

    static Case accept(String file, String section, String why, Check check) {
        return new Case(file, section, Outcome.ACCEPT, 0, null, why, check);
    }

    static Case reject(String file, String section, Outcome outcome, int status, String fault, String why) {
        return new Case(file, section, outcome, status, fault, why, m -> { });
    }

    static List<Case> cases() {
        return List.of(
            // §3.1.1 valid messages: "a parser must accept"
            accept("wsinv", "3.1.1.1", "short tortuous INVITE: LWS, folding, compact forms, escapes", m -> {
                SipRequest r = (SipRequest) m;
                assertThat(((SipUri) r.getRequestUri()).parameters().has("unknownparam")).isTrue();
                assertThat(r.getToTag()).isEqualTo("1918181833n");
                assertThat(r.getFrom().displayName()).isEqualTo("J Rosenberg \\\"");
                assertThat(r.getFromTag()).isEqualTo("98asjd8");
                assertThat(r.getMaxForwards()).isEqualTo(68);
                assertThat(r.getCSeq().sequence()).isEqualTo(9);
                assertThat(r.getVias()).extracting(Via::transport).containsExactly("UDP", "TCP", "UDP");
                assertThat(r.getVias().get(1).host()).isEqualTo("spindle.example.com");
                assertThat(r.getVias().get(2).branch()).isEqualTo("z9hG4bK30239");
                assertThat(r.getHeader(HeaderName.of("NewFangledHeader")))
                        .isEqualTo("newfangled value continued newfangled value");
                assertThat(r.getHeader(HeaderName.SUBJECT)).isEmpty();
                NameAddress contact = NameAddress.parse(r.getHeader(HeaderName.CONTACT));
                assertThat(contact.displayName()).isEqualTo("Quoted string \"\"");
                assertThat(contact.parameters().get("newparam")).isEqualTo("newvalue");
                assertThat(contact.parameters().has("secondparam")).isTrue();
                assertThat(contact.parameters().get("q")).isEqualTo("0.33");
                assertThat(r.getContentLength()).isEqualTo(150);
            }),
            accept("intmeth", "3.1.1.2", "wide range of valid characters", m -> {
                SipRequest r = (SipRequest) m;
                assertThat(r.getMethod().name()).isEqualTo("!interesting-Method0123456789_*+`.%indeed'~");
                SipUri ruri = (SipUri) r.getRequestUri();
                assertThat(ruri.user()).isEqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
                assertThat(ruri.password()).isEqualTo("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
                assertThat(r.getTo().displayName()).isEqualTo("BEL:\u0007 NUL:\u0000 DEL:\u007F");
                assertThat(r.getFrom().displayName()).isEqualTo("token1~` token2'+_ token3*%!.-");
                assertThat(r.getFromTag()).isEqualTo("_token~1'+`*%!-.");
                assertThat(r.getCallId()).isEqualTo("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
                assertThat(r.getHeader(HeaderName.of("extensionHeader-!.%*+_`'~"))).isEqualTo("\uFEFF\u5927\u505C\u96FB");
            }),
            accept("esc01", "3.1.1.3", "valid use of % escaping", m -> {
                SipRequest r = (SipRequest) m;
                assertThat(((SipUri) r.getRequestUri()).user()).isEqualTo("sips:user@example.com");
                assertThat(((SipUri) r.getTo().uri()).user()).isEqualTo("user");
                assertThat(((SipUri) r.getFrom().uri()).user()).isEqualTo("I have spaces");
                assertThat(r.getCallId()).isEqualTo("esc01.239409asdfakjkn23onasd0-3234");
                SipUri contact = (SipUri) NameAddress.parse(r.getHeader(HeaderName.CONTACT)).uri();
                assertThat(contact.user()).isEqualTo("caller");
                assertThat(contact.lr()).isTrue();
                assertThat(contact.parameters().get("name")).isEqualTo("value%41");
            }),
            accept("escnull", "3.1.1.4", "escaped nulls in URIs; two distinct contacts", m -> {
                assertThat(((SipUri) m.getTo().uri()).user()).isEqualTo("null-\u0000-null");
                List<String> contacts = m.getHeaders(HeaderName.CONTACT);
                assertThat(contacts).hasSize(2);
                assertThat(((SipUri) NameAddress.parse(contacts.get(0)).uri()).user()).isEqualTo("\u0000");
                assertThat(((SipUri) NameAddress.parse(contacts.get(1)).uri()).user()).isEqualTo("\u0000\u0000");
            }),
            accept("esc02", "3.1.1.5", "% that is not an escape: method, display names, branch, header name", m -> {
                SipRequest r = (SipRequest) m;
                assertThat(r.getMethod().name()).isEqualTo("RE%47IST%45R");
                assertThat(r.getMethod()).isNotEqualTo(SipMethod.REGISTER);
                assertThat(r.getTo().displayName()).isEqualTo("%Z%45");
                assertThat(r.getTopVia().branch()).isEqualTo("z9hG4bK209%fzsnel234");
                assertThat(r.getHeaders(HeaderName.CONTACT)).hasSize(2);
                assertThat(r.getHeader(HeaderName.of("C%6Fntact"))).isEqualTo("<sip:alias2@host2.example.com>");
            }),
            accept("lwsdisp", "3.1.1.6", "no LWS between display name and <: a known grammar bug, accept", m ->
                assertThat(m.getFrom().displayName()).isEqualTo("caller")),
            accept("longreq", "3.1.1.7", "long values in header fields", m -> {
                assertThat(m.getFromTag()).hasSizeGreaterThan(100);
                assertThat(m.getVias()).hasSizeGreaterThan(30);
                assertThat(m.getHeaders(HeaderName.of("X-Unknown-Header-But-Long"))).isNotNull();
                assertThat(m.encode()).isEqualTo(read("longreq"));
            }),
            accept("dblreq", "3.1.1.8", "RFC 3261 §18.3: octets after Content-Length are ignored", m -> {
                assertThat(((SipRequest) m).getMethod()).isSameAs(SipMethod.REGISTER);
                assertThat(m.getBody()).isEmpty();
                assertThat(new String(m.encode(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("INVITE");
            }),
            accept("semiuri", "3.1.1.9", "semicolon parameters in the user part", m -> {
                assertThat(((SipUri) ((SipRequest) m).getRequestUri()).user()).isEqualTo("user;par=u@example.net");
                assertThat(m.getHeaders(HeaderName.ACCEPT)).hasSize(6).contains("message/sipfrag");
            }),
            accept("transports", "3.1.1.10", "varied and unknown transports", m ->
                assertThat(m.getVias()).extracting(Via::transport)
                        .containsExactly("UDP", "SCTP", "TLS", "UNKNOWN", "TCP")),
            accept("mpart01", "3.1.1.11", "multipart body with NUL octets framed by Content-Length", m -> {
                assertThat(m.getContentLength()).isEqualTo(553);
                assertThat(m.getBody()).contains((byte) 0);
                assertThat(m.getTopVia().hasRport()).isTrue();
            }),
            accept("unreason", "3.1.1.12", "reason phrase with UTF-8", m -> {
                assertThat(((SipResponse) m).getStatus()).isEqualTo(200);
                assertThat(((SipResponse) m).getReasonPhrase()).startsWith("= 2**3 * 5**2 \u043d\u043e");
            }),
            accept("noreason", "3.1.1.13", "empty reason phrase after the required SP", m -> {
                assertThat(((SipResponse) m).getStatus()).isEqualTo(100);
                assertThat(((SipResponse) m).getReasonPhrase()).isEmpty();
            }),

            // §3.1.2 invalid messages
            reject("badinv01", "3.1.2.1", Outcome.REJECT_UNANSWERABLE, 400, "Invalid Via",
                    "extraneous separators in Via: should respond 400, but with no valid Via there is nowhere to "
                            + "send it (RFC 3261 §18.2.2); the transport logs and drops"),
            reject("clerr", "3.1.2.2", Outcome.REJECT_ANSWERABLE, 400, "Content-Length larger than the body",
                    "over UDP, should respond 400"),
            reject("ncl", "3.1.2.3", Outcome.REJECT_ANSWERABLE, 400, "Invalid Content-Length",
                    "negative Content-Length: should respond with an error"),
            reject("scalar02", "3.1.2.4", Outcome.REJECT_ANSWERABLE, 400, "Invalid CSeq",
                    "should respond 400 due to the CSeq error (the answer echoes the CSeq as received)"),
            reject("scalarlg", "3.1.2.5", Outcome.DROP, 0, "Invalid CSeq",
                    "response with overlarge scalars: simply discard"),
            reject("quotbal", "3.1.2.6", Outcome.REJECT_ANSWERABLE, 400, "Invalid To header field",
                    "unterminated quoted string: should return 400"),
            reject("ltgtruri", "3.1.2.7", Outcome.REJECT_ANSWERABLE, 400, "Invalid Request-URI",
                    "<> around the Request-URI: reasonable always to reject with 400"),
            reject("lwsruri", "3.1.2.8", Outcome.REJECT_ANSWERABLE, 400, "Invalid SIP version",
                    "LWS inside the Request-URI: should respond 400"),
            reject("lwsstart", "3.1.2.9", Outcome.REJECT_ANSWERABLE, 400, "Invalid Request-Line",
                    "multiple SP in the Request-Line: acceptable to reject; strict parser rejects"),
            reject("trws", "3.1.2.10", Outcome.REJECT_ANSWERABLE, 400, "Invalid Request-Line",
                    "SP after SIP-Version: acceptable to reject; strict parser rejects"),
            reject("escruri", "3.1.2.11", Outcome.REJECT_ANSWERABLE, 400, "Headers in Request-URI",
                    "escaped headers in Request-URI: acceptable to reject with 400; strict parser rejects"),
            accept("baddate", "3.1.2.12", "non-GMT Date: an element shouldn't reject unless the Date matters; "
                    + "the stack never interprets Date, so it accepts and keeps the value", m ->
                assertThat(m.getHeader(HeaderName.DATE)).isEqualTo("Fri, 01 Jan 2010 16:00:00 EST")),
            accept("regbadct", "3.1.2.13", "Contact addr-spec with a URI header: reasonable to reject with 400. "
                    + "Contact is parsed lazily, so the registrar finds the fault when it reads Contact", m ->
                assertThatThrownBy(() -> NameAddress.parseAll(m.getHeader(HeaderName.CONTACT)))
                        .isInstanceOfSatisfying(SipParseException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.fault()).isEqualTo("URI with headers not enclosed in <>");
                        })),
            reject("badaspec", "3.1.2.14", Outcome.REJECT_ANSWERABLE, 400, "Invalid To header field",
                    "spaces within addr-spec: reasonable to reject with 400; strict parser rejects"),
            reject("baddn", "3.1.2.15", Outcome.REJECT_ANSWERABLE, 400, "Invalid From header field",
                    "non-token characters in an unquoted display name: reasonable always to reject with 400"),
            reject("badvers", "3.1.2.16", Outcome.REJECT_ANSWERABLE, 505, "Unsupported SIP version",
                    "SIP/7.0: should respond 505 Version Not Supported"),
            reject("mismatch01", "3.1.2.17", Outcome.REJECT_ANSWERABLE, 400,
                    "CSeq method does not match Request-Line", "any element will respond 400"),
            reject("mismatch02", "3.1.2.18", Outcome.REJECT_ANSWERABLE, 400,
                    "CSeq method does not match Request-Line",
                    "unknown method with CSeq mismatch: 501 preferred, 400 acceptable; the parser sees the "
                            + "mismatch before any method support is known, so 400"),
            reject("bigcode", "3.1.2.19", Outcome.DROP, 0, "Invalid Status-Line",
                    "response code above 699: simply drop it"),

            // §3.2 transaction layer
            accept("badbranch", "3.2.1", "z9hG4bK with nothing after: parser must not break; the transaction "
                    + "layer decides", m -> {
                assertThat(m.getTopVia().branch()).isEqualTo("z9hG4bK");
                assertThat(m.getTopVia().hasRfc3261Branch()).isTrue();
            }),

            // §3.3 application layer: parse, and the layers above decide
            reject("insuf", "3.3.1", Outcome.REJECT_UNANSWERABLE, 400, "Missing From",
                    "no Call-ID, From or To: ideally 400, but RFC 3261 §8.2.6.2 builds the answer from exactly "
                            + "those fields and a response without them is itself malformed; dropped"),
            reject("unkscm", "3.3.2", Outcome.REJECT_ANSWERABLE, 416, "Unsupported Request-URI scheme",
                    "unknown Request-URI scheme: must parse, then reject with 416"),
            reject("novelsc", "3.3.3", Outcome.REJECT_ANSWERABLE, 416, "Unsupported Request-URI scheme",
                    "soap.beep: well formed; an element that never accepts the scheme returns 416 "
                            + "(the stack serves sip, sips and tel)"),
            accept("unksm2", "3.3.4", "unknown schemes in To/From/Contact are syntactically valid", m -> {
                assertThat(m.getTo().uri()).isInstanceOf(AbsoluteUri.class);
                assertThat(m.getTo().uri().scheme()).isEqualTo("isbn");
                assertThat(m.getFrom().uri().toString()).isEqualTo("http://www.example.com");
                assertThat(NameAddress.parse(m.getHeader(HeaderName.CONTACT)).uri().scheme()).isEqualTo("name");
            }),
            accept("bext01", "3.3.5", "Require/Proxy-Require with unknown options: 420 is the UAS/proxy's", m -> {
                assertThat(m.getHeaders(HeaderName.REQUIRE)).isNotEmpty();
                assertThat(m.getHeaders(HeaderName.PROXY_REQUIRE)).isNotEmpty();
            }),
            accept("invut", "3.3.6", "unknown Content-Type: 415 is the endpoint's", m ->
                assertThat(m.getHeader(HeaderName.CONTENT_TYPE)).isEqualTo("application/unknownformat")),
            accept("regaut01", "3.3.7", "unknown Authorization scheme: well formed", m ->
                assertThat(m.getHeader(HeaderName.AUTHORIZATION)).startsWith("NoOneKnowsThisScheme")),
            reject("multi01", "3.3.8", Outcome.REJECT_ANSWERABLE, 400, "Multiple CSeq header fields",
                    "several values in single-value fields: respond 400 (answered with the first of each)"),
            reject("mcl01", "3.3.9", Outcome.REJECT_ANSWERABLE, 400, "Multiple Content-Length header fields",
                    "conflicting Content-Length values: should respond with an error (over UDP)"),
            accept("bcast", "3.3.10", "well formed; proxies drop it (not the parser's call)", m ->
                assertThat(m.getVias().get(1).host()).isEqualTo("255.255.255.255")),
            accept("zeromf", "3.3.11", "Max-Forwards 0: well formed; 483 is the proxy's", m ->
                assertThat(m.getMaxForwards()).isZero()),
            accept("cparam01", "3.3.12", "addr-spec Contact: unknownparam is a contact parameter", m -> {
                NameAddress c = NameAddress.parse(m.getHeader(HeaderName.CONTACT));
                assertThat(c.parameters().has("unknownparam")).isTrue();
                assertThat(((SipUri) c.uri()).parameters().has("unknownparam")).isFalse();
            }),
            accept("cparam02", "3.3.13", "name-addr Contact: unknownparam is a URI parameter", m -> {
                NameAddress c = NameAddress.parse(m.getHeader(HeaderName.CONTACT));
                assertThat(c.parameters().has("unknownparam")).isFalse();
                assertThat(((SipUri) c.uri()).parameters().has("unknownparam")).isTrue();
            }),
            accept("regescrt", "3.3.14", "Contact URI with an escaped Route header", m -> {
                SipUri c = (SipUri) NameAddress.parse(m.getHeader(HeaderName.CONTACT)).uri();
                assertThat(c.headers().get("Route")).isEqualTo("<sip:sip.example.com>");
                assertThat(c.toString()).isEqualTo("sip:user@example.com?Route=%3Csip:sip.example.com%3E");
            }),
            accept("sdp01", "3.3.15", "Accept without application/sdp: well formed; 406/400 is the UAS's", m ->
                assertThat(m.getHeaders(HeaderName.ACCEPT)).doesNotContain("application/sdp")),

            // §3.4 backward compatibility
            accept("inv2543", "3.4.1", "RFC 2543 syntax: no branch, no Max-Forwards, no Content-Length; "
                    + "accept for backward compatibility", m -> {
                assertThat(m.getTopVia().branch()).isNull();
                assertThat(m.getMaxForwards()).isEqualTo(-1);
                assertThat(m.getContentLength()).isPositive();
                // RFC 3261 §20.10: after an addr-spec, ";user=phone" is a header parameter, not a URI parameter
                assertThat(m.getTo().parameters().get("user")).isEqualTo("phone");
                assertThat(((SipUri) m.getTo().uri()).userParam()).isNull();
                assertThat(((SipUri) m.getFrom().uri()).userParam()).isEqualTo("phone");
            }));
    }

    static byte[] read(String name) {
        try {
            return Files.readAllBytes(DIR.resolve(name + ".dat"));
        } catch (IOException e) {
            throw new IllegalStateException("RFC 4475 file missing: " + DIR.resolve(name + ".dat"), e);
        }
    }

    @Test
    void everyFileHasARow() throws IOException {
        Set<String> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dat"))
                    .map(n -> n.substring(0, n.length() - 4)).collect(Collectors.toSet());
        }
        assertThat(files).hasSize(49);
        assertThat(cases()).extracting(Case::file).containsExactlyInAnyOrderElementsOf(files);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void behavesAsRfc4475Says(Case c) throws Exception {
        byte[] datagram = read(c.file());
        if (c.outcome() == Outcome.ACCEPT) {
            SipMessage m = parser.parse(datagram, 0, datagram.length);
            c.check().verify(m);
            return;
        }
        SipParseException e = catchThrowableOfType(SipParseException.class,
                () -> parser.parse(datagram, 0, datagram.length));
        assertThat(e).as(c.why()).isNotNull();
        assertThat(e.fault()).as(c.why()).isEqualTo(c.fault());
        switch (c.outcome()) {
            case DROP -> {
                assertThat(e.isRequest()).isFalse();
                assertThat(e.canAnswer()).isFalse();
            }
            case REJECT_ANSWERABLE -> {
                assertThat(e.statusCode()).isEqualTo(c.status());
                assertThat(e.canAnswer()).as("answerable").isTrue();
                SipRequest partial = e.partialRequest();
                assertThat(partial.isPartial()).isTrue();
                SipResponse answer = partial.createResponse(e.statusCode(), e.reasonPhrase());
                assertThat(answer.getCallId()).isEqualTo(partial.getCallId());
                assertThat(answer.getVias()).isEqualTo(partial.getVias()).isNotEmpty();
                String text = new String(answer.encode(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(text).startsWith("SIP/2.0 " + e.statusCode() + " " + e.reasonPhrase() + "\r\n");
                // RFC 3261 §8.2.6.2: one From, To, Call-ID and CSeq, as received
                assertThat(text.split("\r\n(CSeq|cseq): ", -1)).hasSize(2);
                assertThat(text).contains("\r\nFrom:").contains("\r\nTo:");
            }
            case REJECT_UNANSWERABLE -> {
                assertThat(e.statusCode()).isEqualTo(c.status());
                assertThat(e.isRequest()).isTrue();
                assertThat(e.partialRequest()).isNull();
            }
            default -> throw new AssertionError(c.outcome());
        }
    }

    static Stream<Case> acceptedCases() {
        return cases().stream().filter(c -> c.outcome() == Outcome.ACCEPT);
    }

    /**
     * Untouched messages are written back byte for byte, except where the stack must differ: a message without
     * Content-Length gains one before the empty line, and octets after the message (dblreq, RFC 3261 §18.3)
     * are not part of it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedCases")
    void acceptedMessagesReencodeByteForByte(Case c) throws Exception {
        byte[] datagram = read(c.file());
        SipMessage m = parser.parse(datagram, 0, datagram.length);
        String in = new String(datagram, java.nio.charset.StandardCharsets.ISO_8859_1);
        String out = new String(m.encode(), java.nio.charset.StandardCharsets.ISO_8859_1);
        int headEnd = in.indexOf("\r\n\r\n") + 2;
        String expected;
        if (!m.hasHeader(HeaderName.CONTENT_LENGTH)) {
            expected = in.substring(0, headEnd) + "Content-Length: " + m.getContentLength() + "\r\n"
                    + in.substring(headEnd);
        } else {
            expected = in.substring(0, headEnd + 2 + m.getContentLength());
        }
        assertThat(out).isEqualTo(expected);
        if (c.file().equals("dblreq")) {
            assertThat(out).hasSizeLessThan(in.length());
        }
        SipMessage again = parser.parse(m.encode(), 0, out.length());
        assertThat(again.getCallId()).isEqualTo(m.getCallId());
        assertThat(again.getBody()).isEqualTo(m.getBody());
    }
}
