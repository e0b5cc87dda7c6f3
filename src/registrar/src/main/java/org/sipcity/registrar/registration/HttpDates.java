package org.sipcity.registrar.registration;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The SIP-date of the Date header: RFC 3261 §20.17 / §25.1 rfc1123-date, always "GMT", two-digit day
 * ({@code DateTimeFormatter.RFC_1123_DATE_TIME} writes a one-digit day, which the grammar does not allow).
 */
final class HttpDates {

    private static final DateTimeFormatter SIP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    static String format(Instant instant) {
        return SIP_DATE.format(instant);
    }
}
