package org.sipcity.stack.transaction;

import org.sipcity.stack.timer.SimulatedTimer;

/** A transaction layer on a simulated clock with a recording TU and one channel of each kind. */
final class Fixture {

    final SimulatedTimer timer = new SimulatedTimer();
    final RecordingUser user = new RecordingUser();
    final TransactionLayer layer;
    final RecordingChannel udp = new RecordingChannel(false, timer);
    final RecordingChannel tcp = new RecordingChannel(true, timer);

    Fixture() {
        this(TransactionConfig.defaults());
    }

    Fixture(TransactionConfig config) {
        this.layer = new TransactionLayer(config, timer, user);
    }

    RecordingChannel channel(boolean reliable) {
        return reliable ? tcp : udp;
    }

    void advance(long millis) {
        timer.advanceMillis(millis);
    }

    /** Advances to the absolute time {@code millis} on the simulated clock. */
    void advanceTo(long millis) {
        timer.advanceMillis(millis - timer.now());
    }
}
