package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.sip.container.api.ReplaySafeMethods;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentException;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.SipTransportsConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * An application that declares REGISTER replay-safe in its sip.xml: over UDP, with room for only a few completed
 * transactions, its REGISTERs are all answered 200 (their completed state released before T4), where the same
 * application without the declaration has new REGISTERs refused with 503 until its oldest entries are T4 old.
 */
class ReplaySafeMethodsTest {

    /** Room for a handful of completed REGISTERs (each entry is charged ~600-900 B). */
    private static final long BUDGET = 4_096;

    @RegisterExtension
    static final ContainerOnStack declared = udpServer("declared", "REGISTER");

    @RegisterExtension
    static final ContainerOnStack undeclared = udpServer("undeclared", null);

    private static ContainerOnStack udpServer(String name, String replaySafe) {
        SipDeploymentInfo.Builder app = SipDeploymentInfo.builder(name)
                .classLoader(ReplaySafeMethodsTest.class.getClassLoader())
                .addServlet(new SipServletInfo("registrar", TestRegistrarServlet.class.getName(), 1, Map.of()));
        if (replaySafe != null) {
            app.contextParameter(ReplaySafeMethods.CONTEXT_PARAMETER, replaySafe);
        }
        return new ContainerOnStack(TransportType.UDP, app.build(), SipContainerConfig.defaults().withWorkers(2, 100),
                new SipStackConfig(SipTransportsConfig.defaults(), ParserConfig.defaults(),
                        TransactionConfig.builder().completedMemoryBytes(BUDGET).build()));
    }

    /** Twenty REGISTERs one after the other, each a new transaction: the statuses in order. */
    private static List<Integer> registerTwenty(ContainerOnStack server) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        try (RawSipClient client = RawSipClient.udp(server.address())) {
            String target = "sip:127.0.0.1:" + server.port();
            for (int cseq = 1; cseq <= 20; cseq++) {
                client.send(client.request("REGISTER", target, RawSipClient.random(), cseq, null, "", ""));
                statuses.add(RawSipClient.status(client.receiveFinal()));
            }
        }
        return statuses;
    }

    @Test
    void declaredReplaySafeEveryRegisterIsServedAndTheBudgetReleasesBeforeT4() throws Exception {
        assertThat(registerTwenty(declared)).containsOnly(200);
        assertThat(declared.stack().transactions().completedReleasedBeforeT4()).isPositive();
        assertThat(declared.stack().transactions().completedTransactionBytes())
                .as("still within the budget, by at most one entry").isLessThan(BUDGET + 2_048);
    }

    @Test
    void undeclaredTheFullBudgetRefusesNewRegistersWith503() throws Exception {
        assertThat(registerTwenty(undeclared)).startsWith(200, 200).contains(503);
        assertThat(undeclared.stack().transactions().completedReleasedBeforeT4()).isZero();
    }

    @Test
    void anInviteCannotBeDeclaredReplaySafe() {
        assertThatThrownBy(() -> ReplaySafeMethods.declaredBy(
                Map.of(ReplaySafeMethods.CONTEXT_PARAMETER, "REGISTER, INVITE"), "SIP application x"))
                .isInstanceOf(SipDeploymentException.class)
                .hasMessageContaining("INVITE").hasMessageContaining(ReplaySafeMethods.CONTEXT_PARAMETER);
        assertThatThrownBy(() -> ReplaySafeMethods.declaredBy(
                Map.of(ReplaySafeMethods.CONTEXT_PARAMETER, "REGISTER;x"), "SIP application x"))
                .isInstanceOf(SipDeploymentException.class).hasMessageContaining("not a SIP method");
    }

    @Test
    void methodsAreMatchedAsSpelt() throws Exception {
        ReplaySafeMethods methods = ReplaySafeMethods.declaredBy(
                Map.of(ReplaySafeMethods.CONTEXT_PARAMETER, " REGISTER,\n PUBLISH "), "SIP application x");
        assertThat(methods.covers("REGISTER")).isTrue();
        assertThat(methods.covers("PUBLISH")).isTrue();
        assertThat(methods.covers("register")).as("SIP methods are case-sensitive").isFalse();
        assertThat(methods.covers("MESSAGE")).isFalse();
        assertThat(ReplaySafeMethods.NONE.covers("REGISTER")).isFalse();
    }
}
