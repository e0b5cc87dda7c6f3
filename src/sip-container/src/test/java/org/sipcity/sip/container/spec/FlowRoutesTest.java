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
    void aSealedValueIsNeverResealedAndAMalformedValueIsRefused() throws Exception {
        SipUri once = FlowRoutes.seal(SipUri.parse("sip:127.0.0.1;lr;flow=udp:192.0.2.7:5060"));
        assertThat(FlowRoutes.seal(once)).isEqualTo(once);
        // A forged seal stays forged: pushing it again must not launder it into a valid token.
        SipUri forged = SipUri.parse("sip:127.0.0.1;lr;flow=tcp:127.0.0.1:40123~AAAAAAAAAAAAAAAA");
        assertThat(FlowRoutes.seal(forged)).isEqualTo(forged);
        assertThatThrownBy(() -> FlowRoutes.open(FlowRoutes.seal(forged)))
                .isInstanceOfSatisfying(FlowRoutes.FlowRouteException.class, e -> assertThat(e.status()).isEqualTo(403));

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

    @Test
    void aRegionTokenOpensUnderTheSharedKeyAndIsNotResealedByAnotherPush() throws Exception {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        FlowRoutes.useRegionKey(key);
        try {
            SipUri path = FlowRoutes.sealForRegion(SipUri.parse("sip:127.0.0.2:6160;transport=tcp;lr;ob;flow=tcp:127.0.0.1:40123"));
            String token = path.parameters().get(FlowRoutes.FLOW);
            assertThat(token).startsWith("tcp:127.0.0.1:40123!");

            // What another node's pushRoute writes: the region token as it is.
            assertThat(FlowRoutes.seal(path)).isEqualTo(path);
            assertThat(FlowRoutes.open(SipUri.parse(path.toString())).remote())
                    .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40123));

            SipUri otherFlow = path.toBuilder().parameter(FlowRoutes.FLOW, token.replace("40123", "40124")).build();
            assertThatThrownBy(() -> FlowRoutes.open(otherFlow))
                    .isInstanceOfSatisfying(FlowRoutes.FlowRouteException.class, e -> assertThat(e.status()).isEqualTo(403));

            // Another region (another key) cannot use it.
            FlowRoutes.useRegionKey(java.util.Base64.getEncoder().encodeToString(new byte[] {
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
                    29, 30, 31, 32}));
            assertThatThrownBy(() -> FlowRoutes.open(path))
                    .isInstanceOfSatisfying(FlowRoutes.FlowRouteException.class, e -> assertThat(e.status()).isEqualTo(403));
            // Nor a server without a region key.
            FlowRoutes.useRegionKey(null);
            assertThatThrownBy(() -> FlowRoutes.open(path))
                    .isInstanceOfSatisfying(FlowRoutes.FlowRouteException.class, e -> assertThat(e.status()).isEqualTo(403));
        } finally {
            FlowRoutes.useRegionKey(null);
        }
    }

    @Test
    void withoutARegionKeyAPathIsSealedByThisProcess() throws Exception {
        SipUri path = FlowRoutes.sealForRegion(SipUri.parse("sip:127.0.0.1;lr;ob;flow=tcp:127.0.0.1:40123"));
        assertThat(path.parameters().get(FlowRoutes.FLOW)).startsWith("tcp:127.0.0.1:40123~");
        assertThat(FlowRoutes.open(path).remote().getPort()).isEqualTo(40123);
    }

    @Test
    void aShortRegionKeyIsRefused() {
        assertThatThrownBy(() -> FlowRoutes.useRegionKey(java.util.Base64.getEncoder().encodeToString(new byte[16])))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("32");
    }
}
