package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** A TU that throws must not break the transport's event loop or the timer thread. */
class FailingUserTest {

    private final Fixture f = new Fixture();

    @Test
    void exceptionFromTheTuStaysInTheLayer() {
        f.user.onRequest = (tx, request) -> {
            throw new IllegalStateException("TU bug (expected by the test)");
        };
        SipRequest invite = Messages.request(SipMethod.INVITE, "z9hG4bKboom");

        assertThat(f.layer.requestReceived(invite, f.udp)).isEqualTo(RequestDisposition.NEW_TRANSACTION);

        // The transaction lives on: it absorbs the retransmission and sends 100 Trying on time.
        assertThat(f.layer.requestReceived(invite, f.udp)).isEqualTo(RequestDisposition.ABSORBED);
        f.advance(200);
        assertThat(f.udp.lastResponse().getStatus()).isEqualTo(100);
        assertThat(f.layer.liveTransactions()).isEqualTo(1);
    }
}
