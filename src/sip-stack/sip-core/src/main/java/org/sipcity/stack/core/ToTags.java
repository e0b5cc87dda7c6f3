package org.sipcity.stack.core;

import java.util.concurrent.ThreadLocalRandom;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipResponse;

/** To tags for responses the stack answers itself (RFC 3261 §8.2.6.2, §19.3: at least 32 bits of randomness). */
final class ToTags {

    private ToTags() {
    }

    static void ensure(SipResponse response) {
        String to = response.getHeader(HeaderName.TO);
        if (to != null && response.getToTag() == null) {
            response.setHeader(HeaderName.TO, to + ";tag=" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }
    }
}
