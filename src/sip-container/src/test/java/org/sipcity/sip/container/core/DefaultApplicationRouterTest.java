package org.sipcity.sip.container.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Properties;
import javax.servlet.sip.ar.SipApplicationRouterInfo;
import javax.servlet.sip.ar.SipApplicationRoutingDirective;
import javax.servlet.sip.ar.SipApplicationRoutingRegion;
import org.junit.jupiter.api.Test;
import org.sipcity.sip.container.spec.MessageEndpoints;
import org.sipcity.sip.container.spec.SipServletRequestImpl;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;

class DefaultApplicationRouterTest {

    private static SipServletRequestImpl request(SipMethod method) throws Exception {
        SipRequest request = SipRequest.create(method, SipUri.parse("sip:bob@example.com"));
        request.setHeader(HeaderName.FROM, "<sip:alice@example.com>;tag=1");
        request.setHeader(HeaderName.TO, "<sip:bob@example.com>");
        return new SipServletRequestImpl(request, null, MessageEndpoints.UNKNOWN, true);
    }

    @Test
    void appendixCConfigurationSelectsInOrderSkippingWhatIsNotDeployed() throws Exception {
        Properties config = new Properties();
        config.setProperty("REGISTER", "(\"audit\", \"DAR:From\", \"ORIGINATING\", \"\", \"NO_ROUTE\", \"0\"),"
                + " (\"registrar\", \"DAR:To\", \"TERMINATING\", \"\", \"NO_ROUTE\", \"1\")");
        DefaultApplicationRouter router = new DefaultApplicationRouter();
        router.init(config);
        router.applicationDeployed(List.of("registrar", "other"));

        SipApplicationRouterInfo info = router.getNextApplication(request(SipMethod.REGISTER), null,
                SipApplicationRoutingDirective.NEW, null, null);
        assertThat(info.getNextApplicationName()).isEqualTo("registrar");
        assertThat(info.getRoutingRegion()).isEqualTo(SipApplicationRoutingRegion.TERMINATING_REGION);
        assertThat(info.getSubscriberURI()).isEqualTo("sip:bob@example.com");
        // no tuple for OPTIONS and two applications: none selected
        assertThat(router.getNextApplication(request(SipMethod.OPTIONS), null,
                SipApplicationRoutingDirective.NEW, null, null)).isNull();
        // the state info continues after the tuple used
        assertThat(router.getNextApplication(request(SipMethod.REGISTER), null,
                SipApplicationRoutingDirective.CONTINUE, null, info.getStateInfo())).isNull();
    }

    @Test
    void withoutConfigurationTheOnlyApplicationIsSelected() throws Exception {
        DefaultApplicationRouter router = new DefaultApplicationRouter();
        router.init();
        assertThat(router.getNextApplication(request(SipMethod.OPTIONS), null,
                SipApplicationRoutingDirective.NEW, null, null)).isNull();
        router.applicationDeployed(List.of("registrar"));
        assertThat(router.getNextApplication(request(SipMethod.OPTIONS), null,
                SipApplicationRoutingDirective.NEW, null, null).getNextApplicationName()).isEqualTo("registrar");
    }

    @Test
    void badConfigurationIsNamed() {
        Properties config = new Properties();
        config.setProperty("INVITE", "(\"a\", \"DAR:From\", \"SIDEWAYS\", \"\", \"NO_ROUTE\", \"0\")");
        assertThatThrownBy(() -> new DefaultApplicationRouter().init(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INVITE").hasMessageContaining("SIDEWAYS");
        config.setProperty("INVITE", "(\"a\", \"DAR:From\")");
        assertThatThrownBy(() -> new DefaultApplicationRouter().init(config))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 fields");
    }
}
