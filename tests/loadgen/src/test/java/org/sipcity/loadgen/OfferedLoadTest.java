package org.sipcity.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipcity.interop.TinyResponder;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionUser;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/** The open-loop generator against responders on the stack and a socket that never answers, over real loopback sockets. */
class OfferedLoadTest {

    private SipStack stack;

    @AfterEach
    void stopServer() {
        if (stack != null) {
            stack.close();
        }
    }

    private InetSocketAddress startServer(TransactionUser user, TransportType transport) throws Exception {
        stack = new SipStack(SipStackConfig.defaults(), user);
        return stack.start(SipConnectorConfig.builder(transport.name().toLowerCase(), transport)
                .bindAddress(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build()).localAddress();
    }

    private static OfferedLoadSettings settings(InetSocketAddress target, boolean udp, double rate) throws Exception {
        return new OfferedLoadSettings(target, udp, 2, List.of(InetAddress.getByName("127.0.0.2"),
                InetAddress.getByName("127.0.0.3")), rate, Duration.ofSeconds(2), Duration.ofSeconds(5), "bench.invalid",
                "user%05d", 100, 0, "test", 0);
    }

    @Test
    void everyRegisterOfferedOverTcpIsAnswered200AtTheRateAsked() throws Exception {
        InetSocketAddress target = startServer(new TinyResponder(), TransportType.TCP);

        OfferedLoad.Result result = new OfferedLoad(settings(target, false, 200), 1).run();

        assertOffered(result, 400);
        assertThat(result.ok()).as(result.line()).isEqualTo(result.sent());
        assertThat(result.timeouts() + result.rejected503() + result.otherFinal() + result.heldBack()).as(result.line()).isZero();
        assertThat(result.acceptedLatency().getTotalCount()).isEqualTo(result.ok());
        // Both clocks per accepted request; the kernel takes a write after its intended time, never before.
        assertThat(result.acceptedWrittenLatency().getTotalCount()).isEqualTo(result.ok());
        assertThat(result.acceptedWrittenLatency().getMaxValue()).isLessThanOrEqualTo(result.acceptedLatency().getMaxValue());
        assertThat(result.line()).contains("transport=tcp", "ok=" + result.ok(), "timeouts=0");
        // The generator's own lateness: every 1 ms tick of each of the 2 flows within the 2 s load, and no more.
        assertThat(result.generatorLag().getTotalCount()).as(result.line()).isBetween(2 * 2000L - 4, 2 * 2000L);
        assertThat(result.line()).contains("generator_lag_p99_us=" + result.generatorLag().getValueAtPercentile(99) / 1000);
    }

    @Test
    void aSenderThatQueuesLittleStillOffersEveryRequestToAServerThatKeepsUp() throws Exception {
        InetSocketAddress target = startServer(new TinyResponder(), TransportType.TCP);

        // A Kamailio-like upstream: 16 KiB queued in the process, 16 KiB not yet sent in the kernel (TCP_NOTSENT_LOWAT).
        OfferedLoad.Result result = new OfferedLoad(settings(target, false, 200), 1, Duration.ZERO, 200, 16 << 10,
                16 << 10).run();

        assertOffered(result, 400);
        assertThat(result.heldBack() + result.timeouts()).as(result.line()).isZero();
        assertThat(result.ok()).as(result.line()).isEqualTo(result.sent());
    }

    @Test
    void aWriteQueueBelowOneMessageOrANegativeUnsentLimitIsRefused() throws Exception {
        OfferedLoadSettings settings = settings(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5060), false, 200);

        assertThatThrownBy(() -> new OfferedLoad(settings, 1, Duration.ZERO, 200, 1024, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--write-queue");
        assertThatThrownBy(() -> new OfferedLoad(settings, 1, Duration.ZERO, 200, 16 << 10, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--unsent-limit");
    }

    @Test
    void theTailLatencyKeepsOnlyTheRequestsScheduledInTheLastTwoSeconds() throws Exception {
        InetSocketAddress target = startServer(new TinyResponder(), TransportType.TCP);
        OfferedLoadSettings base = settings(target, false, 200);
        OfferedLoadSettings fourSeconds = new OfferedLoadSettings(base.target(), false, base.connections(), base.sources(),
                200, Duration.ofSeconds(4), base.responseTimeout(), base.domain(), base.userPattern(), base.users(),
                base.firstUser(), base.run(), base.socketBuffer());

        OfferedLoad.Result result = new OfferedLoad(fourSeconds, 1).run();

        assertOffered(result, 800);
        assertThat(result.ok()).as(result.line()).isEqualTo(result.sent());
        // Each of the 2 sockets offers 100/s: its last 2 s of schedule are its requests 200-399 (the 200th is due at
        // exactly 2 s before the end, and counts).
        assertThat(result.tailLatency().getTotalCount()).as(result.line()).isEqualTo(400);
        assertThat(result.line()).contains("accepted_tail_count=400");
    }

    @Test
    void answers503DoNotSlowTheOfferedRate() throws Exception {
        InetSocketAddress target = startServer(new Rejecting503(), TransportType.TCP);

        OfferedLoad.Result result = new OfferedLoad(settings(target, false, 200), 1).run();

        // A closed-loop client (SIPp) sends little once answered 503; this one keeps offering its rate. How many 503s
        // come back in time is the responder's business (at 1,000/s the stack's answers stopped after about 300 per
        // connection: see the overload section of tests/bench/README.md), so only that every request ends as a 503
        // or a timeout, never as a 200.
        assertOffered(result, 400);
        assertThat(result.heldBack()).as(result.line()).isZero();
        assertThat(result.rejected503()).as(result.line()).isPositive();
        assertThat(result.ok() + result.otherFinal()).as(result.line()).isZero();
        assertThat(result.rejected503() + result.timeouts()).as(result.line()).isEqualTo(result.sent());
    }

    @Test
    void unansweredUdpRequestsAreRetransmittedThenTimeOut() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            InetSocketAddress target = (InetSocketAddress) silent.getLocalSocketAddress();

            OfferedLoad.Result result = new OfferedLoad(settings(target, true, 200), 1).run();

            assertOffered(result, 400);
            assertThat(result.timeouts()).as(result.line()).isEqualTo(result.sent());
            // Timer E within the 5 s timeout: after 0.5, 1.5 and 3.5 s
            assertThat(result.retransmissions()).as(result.line()).isEqualTo(3 * result.sent());
        }
    }

    @Test
    void udpRegistersAreAnsweredOnce() throws Exception {
        InetSocketAddress target = startServer(new TinyResponder(), TransportType.UDP);

        OfferedLoad.Result result = new OfferedLoad(settings(target, true, 200), 1).run();

        assertOffered(result, 400);
        assertThat(result.ok()).as(result.line()).isEqualTo(result.sent());
        assertThat(result.timeouts()).as(result.line()).isZero();
    }

    @Test
    void aWarmUpIsOfferedOnItsOwnSocketsAndNotCounted() throws Exception {
        Rejecting503 counting = new Rejecting503();
        InetSocketAddress target = startServer(counting, TransportType.TCP);

        OfferedLoad.Result result = new OfferedLoad(settings(target, false, 200), 1, Duration.ofSeconds(1), 100).run();

        assertOffered(result, 400);
        assertThat(result.rejected503() + result.timeouts()).as(result.line()).isEqualTo(result.sent());
        assertThat(counting.received.get()).as("the server got the warm-up's 100 as well")
                .isEqualTo(result.sent() + 100);
    }

    /**
     * The schedule was kept: every request due was generated, and each was sent unless the host descheduled the
     * generator for longer than it catches up on (a shared build host may).
     */
    private static void assertOffered(OfferedLoad.Result result, long due) {
        assertThat(result.generated()).as(result.line()).isBetween(due - due / 100 - 2, due);
        assertThat(result.sent() + result.heldBack() + result.scheduleLost()).as(result.line()).isEqualTo(result.generated());
        assertThat(result.sent()).as(result.line()).isPositive();
    }

    /** Answers every request 503, as a shedding server does. */
    private static final class Rejecting503 implements TransactionUser {
        final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void requestReceived(ServerTransaction transaction, SipRequest request) {
            received.incrementAndGet();
            SipResponse response = request.createResponse(503, "Service Unavailable");
            transaction.sendResponse(response);
        }

        @Override
        public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        }

        @Override
        public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        }

        @Override
        public void responseReceived(ClientTransaction transaction, SipResponse response) {
        }

        @Override
        public void strayResponse(SipResponse response, TransactionChannel channel) {
        }

        @Override
        public void timeout(Transaction transaction) {
        }

        @Override
        public void transportError(Transaction transaction, Throwable cause) {
        }
    }
}
