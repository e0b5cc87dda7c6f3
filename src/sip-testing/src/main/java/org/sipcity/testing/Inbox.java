package org.sipcity.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Requests received and not yet awaited, in arrival order; a wait takes the first of its method. */
final class Inbox {

    private final List<IncomingRequest> requests = new ArrayList<>();
    /** Everything ever received, for the message of a failed wait. */
    private final List<String> seen = new ArrayList<>();

    synchronized void add(IncomingRequest request) {
        requests.add(request);
        seen.add(Messages.summary(request.request()));
        notifyAll();
    }

    synchronized List<IncomingRequest> snapshot() {
        return List.copyOf(requests);
    }

    synchronized IncomingRequest await(String method, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Iterator<IncomingRequest> it = requests.iterator(); it.hasNext(); ) {
                IncomingRequest request = it.next();
                if (request.request().getMethod().name().equals(method)) {
                    it.remove();
                    return request;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SipTimeoutException("No " + method + " request arrived within " + timeout.toMillis()
                        + " ms; received so far: " + (seen.isEmpty() ? "nothing" : new ArrayList<>(seen)));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SipTimeoutException("Interrupted while awaiting a " + method + " request");
            }
        }
    }
}
