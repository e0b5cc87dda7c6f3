package org.sipcity.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * SIPp, a real SIP peer, sends REGISTER and OPTIONS over UDP and TCP to the {@link TinyResponder} on the stack;
 * every request must get its 200 OK. Needs Debian's {@code sip-tester} (installed by {@code .ci/run}).
 */
class SippAgainstStackTest {

    private static final int CALLS = 500;
    private static SipStack stack;
    private static SipConnector udp;
    private static SipConnector tcp;

    @BeforeAll
    static void startStack() throws Exception {
        assumeTrue(Sipp.isInstalled() || System.getenv("CI") != null, "sipp (Debian sip-tester) is not installed");
        stack = new SipStack(SipStackConfig.defaults(), new TinyResponder());
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        udp = stack.start(SipConnectorConfig.builder("udp", TransportType.UDP).bindAddress(any).build());
        tcp = stack.start(SipConnectorConfig.builder("tcp", TransportType.TCP).bindAddress(any).build());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"register.xml, u1", "register.xml, t1", "options.xml, u1", "options.xml, t1"})
    void everyRequestIsAnswered(String scenario, String transport, @TempDir Path workDir) throws Exception {
        int port = (transport.startsWith("u") ? udp : tcp).localAddress().getPort();
        long requestsBefore = stack.counters().requestsReceived();

        Sipp.Result result = Sipp.run(scenarioFile(scenario), transport, port, CALLS, 250, 60, workDir);

        assertThat(result.successfulCalls()).as(result.screen()).isEqualTo(CALLS);
        assertThat(result.failedCalls()).as(result.screen()).isZero();
        assertThat(result.exitCode()).as(result.screen()).isZero();
        assertThat(stack.counters().requestsReceived() - requestsBefore).isGreaterThanOrEqualTo(CALLS);
        assertThat(stack.counters().parseErrors()).isZero();
    }

    private static Path scenarioFile(String name) throws URISyntaxException {
        return Path.of(SippAgainstStackTest.class.getResource("/sipp/" + name).toURI());
    }
}
