package org.sipcity.testing;

import org.assertj.core.api.AbstractAssert;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipResponse;

/** AssertJ assertions on a {@link SipResponse}; failures print the status line and the header concerned. */
public final class SipResponseAssert extends AbstractAssert<SipResponseAssert, SipResponse> {

    SipResponseAssert(SipResponse actual) {
        super(actual, SipResponseAssert.class);
    }

    public SipResponseAssert hasStatus(int status) {
        isNotNull();
        if (actual.getStatus() != status) {
            failWithMessage("Expected status %d but was %s", status, Messages.summary(actual));
        }
        return this;
    }

    /** A 2xx. */
    public SipResponseAssert isSuccess() {
        isNotNull();
        if (actual.getStatus() < 200 || actual.getStatus() > 299) {
            failWithMessage("Expected a 2xx response but was %s", Messages.summary(actual));
        }
        return this;
    }

    public SipResponseAssert hasHeader(String name) {
        isNotNull();
        if (!actual.hasHeader(HeaderName.of(name))) {
            failWithMessage("Expected a %s header in %s; it has %s", name, Messages.summary(actual),
                    actual.getHeaderNames());
        }
        return this;
    }

    /** Some value of header {@code name} contains {@code part}. */
    public SipResponseAssert hasHeaderContaining(String name, String part) {
        hasHeader(name);
        var values = actual.getHeaders(HeaderName.of(name));
        if (values.stream().noneMatch(v -> v.contains(part))) {
            failWithMessage("Expected a %s header containing '%s' in %s but its values are %s", name, part,
                    Messages.summary(actual), values);
        }
        return this;
    }

    /** A To tag, as every response but 100 to a request outside a dialog has (RFC 3261 §8.2.6.2). */
    public SipResponseAssert hasToTag() {
        isNotNull();
        if (actual.getToTag() == null) {
            failWithMessage("Expected a To tag in %s; To is %s", Messages.summary(actual),
                    actual.getHeader(HeaderName.TO));
        }
        return this;
    }
}
