package org.sipcity.stack.transaction;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The retransmission schedules hold for any T1 and T2, not only the defaults. */
class RetransmissionSchedulePropertiesTest {

    /** Send times expected when the interval starts at T1 and doubles, capped at {@code cap}, until {@code end}. */
    private static List<Long> schedule(long t1, long cap, long end) {
        List<Long> times = new ArrayList<>();
        long at = 0;
        long interval = t1;
        while (at < end) {
            times.add(at);
            at += interval;
            interval = Math.min(2 * interval, cap);
        }
        return times;
    }

    private static Fixture fixture(int t1, int t2Factor) {
        return new Fixture(TransactionConfig.builder()
                .t1(Duration.ofMillis(t1)).t2(Duration.ofMillis((long) t1 * t2Factor)).build());
    }

    @Property(tries = 200)
    void timerEDoublesUpToT2UntilTimerF(@ForAll @IntRange(min = 1, max = 2000) int t1,
                                        @ForAll @IntRange(min = 1, max = 16) int t2Factor) {
        Fixture f = fixture(t1, t2Factor);
        f.layer.sendRequest(Messages.request(SipMethod.OPTIONS, f.layer.newBranch()), f.udp);

        f.advance(64L * t1 + 1);

        assertThat(f.udp.sendTimes()).isEqualTo(schedule(t1, (long) t1 * t2Factor, 64L * t1));
        assertThat(f.user.types()).containsExactly("timeout", "terminated");
    }

    @Property(tries = 200)
    void timerADoublesWithoutCapUntilTimerB(@ForAll @IntRange(min = 1, max = 2000) int t1,
                                            @ForAll @IntRange(min = 1, max = 16) int t2Factor) {
        Fixture f = fixture(t1, t2Factor);
        f.layer.sendRequest(Messages.request(SipMethod.INVITE, f.layer.newBranch()), f.udp);

        f.advance(64L * t1 + 1);

        assertThat(f.udp.sendTimes()).isEqualTo(schedule(t1, Long.MAX_VALUE, 64L * t1));
        assertThat(f.udp.count()).isEqualTo(7);
        assertThat(f.user.types()).containsExactly("timeout", "terminated");
    }

    @Property(tries = 200)
    void timerGDoublesUpToT2UntilTimerH(@ForAll @IntRange(min = 1, max = 2000) int t1,
                                        @ForAll @IntRange(min = 1, max = 16) int t2Factor,
                                        @ForAll @IntRange(min = 300, max = 699) int status) {
        Fixture f = fixture(t1, t2Factor);
        SipRequest invite = Messages.request(SipMethod.INVITE, "z9hG4bKprop");
        f.user.onRequest = (tx, request) -> tx.sendResponse(Messages.response(request, status));
        f.layer.requestReceived(invite, f.udp);

        f.advance(64L * t1 + 1);

        assertThat(f.udp.sendTimes()).isEqualTo(schedule(t1, (long) t1 * t2Factor, 64L * t1));
        assertThat(f.udp.messages()).allMatch(m -> m == f.udp.messages().get(0));
        assertThat(f.user.types()).containsExactly("request", "timeout", "terminated");
    }
}
