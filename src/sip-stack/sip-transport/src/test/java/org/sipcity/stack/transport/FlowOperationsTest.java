package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listing and closing a connector's flows, as an operator does through management, over real loopback sockets. */
class FlowOperationsTest {

    private final EchoHandler core = new EchoHandler();
    private final List<StreamClient> clients = new ArrayList<>();
    private SipTransports transports;
    private SipConnector tcp;
    private SipConnector other;

    @BeforeEach
    void start() throws Exception {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(), core);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        tcp = transports.start(SipConnectorConfig.builder("tcp", TransportType.TCP).bindAddress(any).build());
        other = transports.start(SipConnectorConfig.builder("other", TransportType.TCP).bindAddress(any).build());
    }

    @AfterEach
    void stop() throws Exception {
        for (StreamClient client : clients) {
            client.close();
        }
        transports.close();
    }

    private StreamClient connect(SipConnector connector) throws Exception {
        StreamClient client = StreamClient.tcp(connector.localAddress());
        clients.add(client);
        return client;
    }

    @Test
    void listsOnlyThisConnectorsFlowsFilteredAndBounded() throws Exception {
        StreamClient first = connect(tcp);
        connect(tcp);
        connect(tcp);
        connect(other);
        Await.until("four flows registered", () -> transports.flowTable().size() == 4);

        assertThat(tcp.flows(null, 10)).hasSize(3).allMatch(flow -> flow.connectorName().equals("tcp"));
        assertThat(tcp.flows(null, 2)).hasSize(2);
        assertThat(tcp.flows(null, 0)).isEmpty();
        List<Flow> byAddress = tcp.flows(RemoteFlowAddress.parse("127.0.0.1:" + first.localAddress().getPort()), 10);
        assertThat(byAddress).singleElement().satisfies(flow -> {
            assertThat(flow.remoteAddress()).isEqualTo(first.localAddress());
            assertThat(tcp.flow(flow.id())).isSameAs(flow);
            assertThat(other.flow(flow.id())).isNull();
        });
        assertThat(tcp.flows(RemoteFlowAddress.parse("127.0.0.1"), 10)).hasSize(3);
        assertThat(tcp.flows(RemoteFlowAddress.parse("udp:127.0.0.1"), 10)).isEmpty();
        assertThat(tcp.flows(RemoteFlowAddress.parse("127.0.0.2"), 10)).isEmpty();
    }

    @Test
    void closingByIdClosesTheConnectionOnTheClientSide() throws Exception {
        StreamClient client = connect(tcp);
        StreamClient bystander = connect(tcp);
        Await.until("two flows registered", () -> tcp.flows(null, 10).size() == 2);
        Flow flow = tcp.flows(RemoteFlowAddress.parse("127.0.0.1:" + client.localAddress().getPort()), 1).get(0);

        assertThat(other.closeFlow(flow.id())).isNull();
        assertThat(tcp.closeFlow(flow.id())).isSameAs(flow);

        assertThat(client.closedByPeer()).isTrue();
        Await.until("the flow left the table", () -> transports.flowTable().get(flow.id()) == null);
        assertThat(tcp.flows(null, 10)).singleElement()
                .satisfies(left -> assertThat(left.remoteAddress()).isEqualTo(bystander.localAddress()));
        assertThat(tcp.closeFlow(flow.id())).isNull();
    }

    @Test
    void closingByTheRegistrarsFlowTokenClosesThatConnection() throws Exception {
        StreamClient client = connect(tcp);
        connect(tcp);
        Await.until("two flows registered", () -> tcp.flows(null, 10).size() == 2);
        String token = "tcp:127.0.0.1:" + client.localAddress().getPort() + ">127.0.0.1:" + tcp.localAddress().getPort();

        List<Flow> closed = tcp.closeFlowsOf(RemoteFlowAddress.parse(token));

        assertThat(closed).singleElement().satisfies(f -> assertThat(f.remoteAddress()).isEqualTo(client.localAddress()));
        assertThat(client.closedByPeer()).isTrue();
        Await.until("one flow left", () -> tcp.flows(null, 10).size() == 1);
        assertThat(tcp.closeFlowsOf(RemoteFlowAddress.parse(token))).isEmpty();
    }
}
