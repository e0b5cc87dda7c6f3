package org.sipcity.testing;

import java.util.concurrent.ThreadLocalRandom;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.parser.SipParseException;

/** Small helpers over the stack's message model. */
final class Messages {

    private static final SipMessageParser PARSER = new SipMessageParser(ParserConfig.defaults());

    private Messages() {
    }

    /** A deep copy, made by encoding and parsing again (the stack's messages offer no copy). */
    static SipRequest copy(SipRequest request) {
        byte[] bytes = request.encode();
        try {
            return (SipRequest) PARSER.parse(bytes, 0, bytes.length);
        } catch (SipParseException e) {
            throw new IllegalStateException("A request this client built does not parse again: " + e.getMessage(), e);
        }
    }

    static Uri uri(String text) {
        try {
            return Uri.parse(text);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("Not a URI: '" + text + "' (" + e.getMessage() + ")", e);
        }
    }

    /** RFC 3261 §19.3: tags and Call-IDs carry at least 32 random bits; this gives 64. */
    static String randomToken() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }

    /** "180 Ringing", "INVITE sip:bob@..." for messages naming what arrived. */
    static String summary(SipMessage message) {
        if (message instanceof SipResponse response) {
            return response.getStatus() + " " + response.getReasonPhrase();
        }
        SipRequest request = (SipRequest) message;
        return request.getMethod().name() + " " + request.getRequestUri();
    }
}
