package org.sipcity.sip.container.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipcity.stack.transport.TransportType;

/**
 * The heap a finished proxied call leaves for RFC 6026's Timer M (32 s): calls through the proxy, each INVITE, 180,
 * 200, ACK, BYE, 200 over UDP, measured while their INVITE client transactions are all still in Accepted, by class
 * histograms of the live heap (each taken after a full GC) before and after. Before the Accepted state was lean, the
 * client transaction kept its branch request, and through it the proxy, the received INVITE, its server transaction
 * and the invalidated sessions: about 18 KB per call (the bench README's histogram), the calls benchmark's heap limit.
 *
 * <p>What a call may still hold here: the two lean Accepted entries (server and client, ~0.5 KB), and over UDP the
 * BYE's completed server entry for Timer J (~0.65 KB). The BYE's client transaction (Timer K, T4 = 5 s over UDP) is
 * waited out before the second histogram.
 */
class AcceptedCallHeapTest {

    private static final int WARM_UP = 200;
    private static final int CALLS = 1_000;
    private static final long TIMER_K_MILLIS = 5_000;
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    @RegisterExtension
    static final ContainerOnStack server = ContainerOnStack.proxying(TransportType.UDP);

    @Test
    void aFinishedCallHoldsOnlyLeanEntriesDuringTimerM() throws Exception {
        try (RawSipClient caller = RawSipClient.udp(server.address());
             RawSipClient callee = RawSipClient.udp(server.address())) {
            for (int call = 0; call < WARM_UP; call++) {
                ProxiedCallSessionsTest.callThroughTheProxy(server, caller, callee);
            }
            Thread.sleep(TIMER_K_MILLIS + 500);
            Histogram before = Histogram.take();

            long started = System.nanoTime();
            for (int call = 0; call < CALLS; call++) {
                ProxiedCallSessionsTest.callThroughTheProxy(server, caller, callee);
            }
            long callsMillis = (System.nanoTime() - started) / 1_000_000;
            Thread.sleep(TIMER_K_MILLIS + 500);
            Histogram after = Histogram.take();
            long sinceFirstCallMillis = (System.nanoTime() - started) / 1_000_000;

            assertThat(sinceFirstCallMillis).as("measured within Timer M of the first call (%d ms of calls)", callsMillis)
                    .isLessThan(30_000);
            long accepted = server.stack().transactions().acceptedClientTransactions();
            assertThat(accepted).as("every INVITE client transaction still in Accepted").isEqualTo(WARM_UP + CALLS);
            double perCall = (after.totalBytes - before.totalBytes) / (double) CALLS;
            System.out.printf(Locale.ROOT, "AcceptedCallHeapTest: %d calls in %d ms, %d in Accepted; heap per call "
                    + "held for Timer M %.0f B; ProxyImpl %d -> %d, SipServletRequestImpl %d -> %d%n", CALLS, callsMillis,
                    accepted, perCall, before.instances("org.sipcity.sip.container.spec.ProxyImpl"),
                    after.instances("org.sipcity.sip.container.spec.ProxyImpl"),
                    before.instances("org.sipcity.sip.container.spec.SipServletRequestImpl"),
                    after.instances("org.sipcity.sip.container.spec.SipServletRequestImpl"));
            assertThat(after.instances("org.sipcity.sip.container.spec.ProxyImpl")).as("proxies held")
                    .isLessThan(before.instances("org.sipcity.sip.container.spec.ProxyImpl") + CALLS / 10);
            assertThat(perCall).as("bytes per call held in Timer M").isLessThan(2_500);
        }
    }

    /** A class histogram of the live heap, as {@code jcmd GC.class_histogram} prints it (it runs a full GC first). */
    private record Histogram(String text, long totalBytes) {

        static Histogram take() throws Exception {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Matcher total = TOTAL.matcher(text);
            assertThat(total.find()).as("a Total line in %s", text).isTrue();
            return new Histogram(text, Long.parseLong(total.group(2)));
        }

        long instances(String className) {
            Matcher row = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)")
                    .matcher(text);
            return row.find() ? Long.parseLong(row.group(1)) : 0;
        }
    }
}
