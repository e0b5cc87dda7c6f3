package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipcity.it.sip.proxy.ProxyServlet;

/**
 * A proxying SIP servlet (JSR 289 API only) deployed in the server carries requests between two SIP endpoints on
 * loopback, over UDP and over TCP: the UAC's request reaches the UAS as RFC 3261 §16.6 says a proxy forwards it, the
 * answer comes back with the proxy's Via removed (§16.7), and the dialog's ACK and BYE follow the Record-Route.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SipProxyIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "proxy-app.war").addClasses(ProxyServlet.class);
    }

    @ArquillianResource
    ManagementClient management;

    @Test
    void optionsIsProxiedOverUdp() throws IOException {
        optionsIsProxied("UDP", sipAddress("sip-udp"));
    }

    @Test
    void optionsIsProxiedOverTcp() throws IOException {
        optionsIsProxied("TCP", sipAddress("sip-tcp"));
    }

    @Test
    void inviteDialogGoesThroughTheProxyOverUdp() throws IOException {
        inviteDialogGoesThroughTheProxy("UDP", sipAddress("sip-udp"));
    }

    @Test
    void inviteDialogGoesThroughTheProxyOverTcp() throws IOException {
        inviteDialogGoesThroughTheProxy("TCP", sipAddress("sip-tcp"));
    }

    private static void optionsIsProxied(String transport, InetSocketAddress proxy) throws IOException {
        try (SipEndpoint uas = SipEndpoint.server(transport);
             SipEndpoint uac = SipEndpoint.client(transport, proxy)) {
            String target = uas.uri("bob");
            uac.send(uac.request("OPTIONS", target, SipEndpoint.unique(), 1, ""));

            String forwarded = uas.receiveRequest("OPTIONS");
            assertThat(forwarded).startsWith("OPTIONS " + target + " SIP/2.0\r\n");
            assertThat(SipEndpoint.header(forwarded, "Max-Forwards")).isEqualTo("69");
            List<String> vias = SipEndpoint.headers(forwarded, "Via");
            assertThat(vias).hasSize(2);
            assertThat(vias.get(0)).startsWith("SIP/2.0/" + transport + " 127.0.0.1:" + proxy.getPort());
            assertThat(vias.get(1)).contains("127.0.0.1:" + uac.localPort());
            assertThat(SipEndpoint.header(forwarded, "Record-Route")).contains("127.0.0.1:" + proxy.getPort()).contains(";lr");

            uas.send(SipEndpoint.answer(forwarded, 200, "OK", "uas1", "Allow: OPTIONS, INVITE, ACK, BYE\r\n"));
            String answer = uac.receiveFinal();
            assertThat(SipEndpoint.status(answer)).isEqualTo(200);
            assertThat(SipEndpoint.header(answer, "To")).endsWith(";tag=uas1");
            assertThat(SipEndpoint.header(answer, "Allow")).isEqualTo("OPTIONS, INVITE, ACK, BYE");
            assertThat(SipEndpoint.headers(answer, "Via")).hasSize(1);
        }
    }

    private static void inviteDialogGoesThroughTheProxy(String transport, InetSocketAddress proxy) throws IOException {
        try (SipEndpoint uas = SipEndpoint.server(transport);
             SipEndpoint uac = SipEndpoint.client(transport, proxy)) {
            String callId = SipEndpoint.unique();
            String target = uas.uri("bob");
            uac.send(uac.request("INVITE", target, callId, 1, "Contact: <" + uac.uri("alice") + ">\r\n"));

            String invite = uas.receiveRequest("INVITE");
            String recordRoute = SipEndpoint.header(invite, "Record-Route");
            assertThat(recordRoute).contains("127.0.0.1:" + proxy.getPort()).contains(";lr");
            uas.send(SipEndpoint.answer(invite, 180, "Ringing", "uas2", ""));
            uas.send(SipEndpoint.answer(invite, 200, "OK", "uas2", "Contact: <" + target + ">\r\n"));

            String ok = uac.receiveFinal();
            assertThat(SipEndpoint.status(ok)).isEqualTo(200);
            assertThat(SipEndpoint.header(ok, "Record-Route")).isEqualTo(recordRoute);
            assertThat(SipEndpoint.header(ok, "Contact")).isEqualTo("<" + target + ">");

            // RFC 3261 §12.2.1.1: requests in the dialog go to the remote target by the route set (the proxy).
            String toWithTag = SipEndpoint.header(ok, "To");
            String route = "Route: " + recordRoute + "\r\n";
            uac.send(uac.request("ACK", target, callId, 1, route).replaceFirst("(?m)^To: .*$", "To: " + toWithTag));
            String ack = uas.receiveRequest("ACK");
            assertThat(SipEndpoint.header(ack, "Call-ID")).isEqualTo(callId);

            uac.send(uac.request("BYE", target, callId, 2, route).replaceFirst("(?m)^To: .*$", "To: " + toWithTag));
            String bye = uas.receiveRequest("BYE");
            assertThat(SipEndpoint.headers(bye, "Via")).hasSize(2);
            uas.send(SipEndpoint.answer(bye, 200, "OK", "uas2", ""));
            String byeAnswer = uac.receiveFinal();
            assertThat(SipEndpoint.status(byeAnswer)).isEqualTo(200);
            assertThat(SipEndpoint.header(byeAnswer, "CSeq")).isEqualTo("2 BYE");
        }
    }

    private InetSocketAddress sipAddress(String socketBinding) throws IOException {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("socket-binding-group", "standard-sockets").add("socket-binding", socketBinding);
        read.get("name").set("bound-port");
        ModelNode response = management.getControllerClient().execute(read);
        assertThat(response.get("outcome").asString()).as(response.toString()).isEqualTo("success");
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), response.get("result").asInt());
    }
}
