package org.sipcity.stack.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;

/** Generated URIs and messages survive encode, parse, encode with the same values. */
class RoundTripProperties {

    private static final String TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";

    private final SipMessageParser parser = new SipMessageParser();

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.strings().withChars(TOKEN_CHARS).ofMinLength(1).ofMaxLength(20);
    }

    /** Any text, including the characters URIs must escape and non-ASCII. */
    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("é☃\u0000\u00ff日").ofMinLength(1).ofMaxLength(16);
    }

    @Provide
    Arbitrary<String> hosts() {
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(10)
                .map(s -> "h" + s);
        Arbitrary<String> hostname = label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l) + ".example");
        Arbitrary<String> ipv4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        Arbitrary<String> ipv6 = Arbitraries.integers().between(0, 0xffff).list().ofSize(8)
                .map(l -> "[" + String.join(":", l.stream().map(Integer::toHexString).toList()) + "]");
        return Arbitraries.oneOf(hostname, ipv4, ipv6, Arbitraries.of("[::1]", "[2001:db8::7]"));
    }

    @Provide
    Arbitrary<SipUri> sipUris() {
        Arbitrary<Map<String, String>> params = Arbitraries.maps(tokens(), Arbitraries.oneOf(anyText(),
                Arbitraries.just(null))).ofMaxSize(4);
        Arbitrary<Map<String, String>> headers = Arbitraries.maps(tokens(), anyText()).ofMaxSize(3);
        return Combinators.combine(Arbitraries.of(true, false), anyText().injectNull(0.2), anyText().injectNull(0.7),
                hosts(), Arbitraries.integers().between(-1, 65535), params, headers)
                .as((secure, user, password, host, port, p, h) -> {
                    SipUri.Builder b = SipUri.builder().secure(secure).user(user).host(host).port(port);
                    if (user != null) {
                        b.password(password);
                    }
                    p.forEach(b::parameter);
                    h.forEach(b::header);
                    return b.build();
                });
    }

    @Property(tries = 500)
    void sipUriSurvivesTextForm(@ForAll("sipUris") SipUri uri) throws Exception {
        SipUri parsed = SipUri.parse(uri.toString());
        assertThat(parsed).isEqualTo(uri);
        assertThat(parsed.user()).isEqualTo(uri.user());
        assertThat(parsed.password()).isEqualTo(uri.password());
        assertThat(parsed.host()).isEqualTo(uri.host());
        assertThat(parsed.port()).isEqualTo(uri.port());
        assertThat(parsed.parameters()).isEqualTo(uri.parameters());
        assertThat(parsed.headers()).isEqualTo(uri.headers());
        assertThat(parsed.equivalentTo(uri)).isTrue();
    }

    @Property(tries = 300)
    void requestSurvivesEncodeAndParse(@ForAll("sipUris") SipUri target, @ForAll("anyText") String displayName,
                                       @ForAll("tokens") String fromTag, @ForAll("tokens") String branch,
                                       @ForAll("hosts") String viaHost, @ForAll @IntRange(max = 65535) int viaPort,
                                       @ForAll @IntRange(max = Integer.MAX_VALUE) int cseq,
                                       @ForAll @IntRange(max = 255) int maxForwards,
                                       @ForAll @Size(max = 300) byte[] body,
                                       @ForAll("tokens") String callIdLeft, @ForAll("tokens") String extension)
            throws Exception {
        SipUri plain = target.toBuilder().removeHeaders().build();
        SipRequest r = SipRequest.create(SipMethod.INVITE, plain);
        Via via = Via.of("TCP", viaHost, viaPort, branch).withParameter("rport", null);
        r.addHeader(HeaderName.VIA, via.toString());
        r.addHeader(HeaderName.MAX_FORWARDS, Integer.toString(maxForwards));
        NameAddress from = NameAddress.of(displayName, plain).withTag(fromTag);
        r.addHeader(HeaderName.FROM, from.toString());
        r.addHeader(HeaderName.TO, NameAddress.of(target).toString());
        String callId = callIdLeft + "@" + viaHost.replace("[", "").replace("]", "").replace(":", ".");
        r.addHeader(HeaderName.CALL_ID, callId);
        r.addHeader(HeaderName.CSEQ, cseq + " INVITE");
        r.addHeader(HeaderName.of("X-" + extension.replace('%', 'p')), displayName.replace('\u0000', ' ').trim() + "x");
        r.setBody(body, body.length == 0 ? null : "application/octet-stream");

        byte[] wire = r.encode();
        SipRequest parsed = (SipRequest) parser.parse(wire, 0, wire.length);
        assertThat(parsed.getRequestUri()).isEqualTo(plain);
        assertThat(parsed.getTopVia()).isEqualTo(via);
        assertThat(parsed.getTopVia().hasRport()).isTrue();
        assertThat(parsed.getFrom().displayName()).isEqualTo(displayName);
        assertThat(parsed.getFromTag()).isEqualTo(fromTag);
        assertThat(parsed.getTo().uri()).isEqualTo(target);
        assertThat(parsed.getCallId()).isEqualTo(callId);
        assertThat(parsed.getCSeq().sequence()).isEqualTo(cseq);
        assertThat(parsed.getMaxForwards()).isEqualTo(maxForwards);
        assertThat(parsed.getBody()).isEqualTo(body);
        assertThat(parsed.encode()).isEqualTo(wire);

        SipResponse ok = parsed.createResponse(200, null);
        ok.setToTag(fromTag);
        byte[] okWire = ok.encode();
        SipResponse okParsed = (SipResponse) parser.parse(okWire, 0, okWire.length);
        assertThat(okParsed.getVias()).isEqualTo(List.of(via));
        assertThat(okParsed.getToTag()).isEqualTo(fromTag);
        assertThat(okParsed.getCSeq()).isEqualTo(parsed.getCSeq());
    }
}
