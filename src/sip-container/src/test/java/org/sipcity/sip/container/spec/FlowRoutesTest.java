package org.sipcity.sip.container.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.transport.TransportType;

/** Flow routes: sealed on the way out, honoured only when the seal is ours, readable for IPv4 and IPv6. */
class FlowRoutesTest {

    @Test
    void aSealedFlowRouteOpensToItsTransportAndAddress() throws Exception {
        SipUri sealed = FlowRoutes.seal(SipUri.parse("sip:127.0.0.1:5060;lr;flow=tcp:127.0.0.1:40123"));

        assertThat(sealed.parameters().get(FlowRoutes.FLOW)).startsWith("tcp:127.0.0.1:40123~");
        FlowRoutes.FlowTarget target = FlowRoutes.open(SipUri.parse(sealed.toString()));
        assertThat(target.transport()).isEqualTo(TransportType.TCP);
        assertThat(target.remote()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40123));
        assertThat(target.optional()).isFalse();
        assertThat(target.isFlowOf("TCP", target.remote())).isTrue();
        assertThat(target.isFlowOf("UDP", target.remote())).isFalse();
    }

    @Test
    void ipv6AndTheOptionalFlagSurviveTheRoundTrip() throws Exception {
        SipUri sealed = FlowRoutes.seal(SipUri.parse("sip:[::1]:5060;lr;flow-optional;flow=tls:%5B::1%5D:5061"));

        FlowRoutes.FlowTarget target = FlowRoutes.open(SipUri.parse(sealed.toString()));
        assertThat(target.transport()).isEqualTo(TransportType.TLS);
        assertThat(target.remote()).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 5061));
        assertThat(target.optional()).isTrue();
    }

    @Test
    void anUnsealedOrForgedFlowIsRefusedWith403() throws Exception {
        SipUri sealed = FlowRoutes.seal(SipUri.parse("sip:127.0.0.1;lr;flow=tcp:127.0.0.1:40123"));
        String value = sealed.parameters().get(FlowRoutes.FLOW);
        SipUri otherAddress = sealed.toBuilder().parameter(FlowRoutes.FLOW,
                value.replace("40123", "40124")).build();

        for (SipUri forged : new SipUri[] {SipUri.parse("sip:127.0.0.1;lr;flow=tcp:127.0.0.1:40123"), otherAddress}) {
            assertThatThrownBy(() -> FlowRoutes.open(forged))
                    .isInstanceOfSatisfying(FlowRoutes.FlowRouteException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
    }

    @Test
    void sealingAgainReplacesTheSealAndAMalformedValueIsRefused() throws Exception {
        SipUri once = FlowRoutes.seal(SipUri.parse("sip:127.0.0.1;lr;flow=udp:192.0.2.7:5060"));
        assertThat(FlowRoutes.seal(once)).isEqualTo(once);

        SipUri malformed = FlowRoutes.seal(SipUri.parse("sip:127.0.0.1;lr;flow=tcp:gateway.example:5060"));
        assertThatThrownBy(() -> FlowRoutes.open(malformed)).isInstanceOf(FlowRoutes.FlowRouteException.class)
                .hasMessageContaining("malformed");
        assertThat(FlowRoutes.open(SipUri.parse("sip:127.0.0.1;lr"))).isNull();
    }

    @Test
    void theOptionalFlagIsSealedWithTheFlow() throws Exception {
        SipUri strict = FlowRoutes.seal(SipUri.parse("sip:127.0.0.1;lr;flow=tcp:127.0.0.1:40123"));
        SipUri relaxed = strict.toBuilder().parameter(FlowRoutes.OPTIONAL, null).build();
        assertThatThrownBy(() -> FlowRoutes.open(relaxed)).isInstanceOf(FlowRoutes.FlowRouteException.class);
    }

    @Test
    void parseReadsIpv4AndIpv6AndRefusesTheRest() throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName("::1"), 7000);
        assertThat(FlowRoutes.parse("tcp:[::1]:7000", false).remote()).isEqualTo(remote);
        assertThat(FlowRoutes.parse("sctp:127.0.0.1:7000", false)).isNull();
        assertThat(FlowRoutes.parse("tcp:127.0.0.1:70000", false)).isNull();
    }
}
