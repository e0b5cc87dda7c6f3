package org.sipcity.registrar.registration;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The SIP-date of the Date header (RFC 3261 §20.17: the RFC 1123 form, always GMT). */
final class HttpDates {

    private HttpDates() {
    }

    static String format(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC)).replace("+0000", "GMT")
                .replace(" Z", " GMT");
    }
}
