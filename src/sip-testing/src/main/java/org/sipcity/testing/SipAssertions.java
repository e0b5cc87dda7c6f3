package org.sipcity.testing;

import org.sipcity.stack.message.SipResponse;

/** Entry point of the AssertJ assertions on SIP messages: {@code assertThat(response).hasStatus(200)}. */
public final class SipAssertions {

    private SipAssertions() {
    }

    public static SipResponseAssert assertThat(SipResponse actual) {
        return new SipResponseAssert(actual);
    }
}
