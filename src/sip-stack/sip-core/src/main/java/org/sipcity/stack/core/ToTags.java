package org.sipcity.stack.core;

import java.util.concurrent.ThreadLocalRandom;
import org.sipcity.stack.message.SipResponse;

/** To tags for responses the stack answers itself (RFC 3261 §8.2.6.2, §19.3: at least 32 bits of randomness). */
final class ToTags {

    private ToTags() {
    }

    /**
     * Adds a To tag unless there is one. A To that does not parse (the reason a 400 may be sent) is copied as
     * received, without a tag: it cannot be rewritten, and its sender could not read a tag in it anyway.
     */
    static void ensure(SipResponse response) {
        if (response.getTo() != null && response.getToTag() == null) {
            response.setToTag(Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }
    }
}
