package org.sipcity.registrar.servlet;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a header field value on its top-level commas (RFC 3261 §7.3.1): not inside quotes or angle brackets.
 * Containers may hand over combined fields ({@code Via: a, b}) or one value per element; this treats both alike.
 */
final class HeaderLists {

    private HeaderLists() {
    }

    static List<String> split(String value) {
        List<String> parts = new ArrayList<>(2);
        for (int start = 0; start <= value.length(); ) {
            int end = topLevelComma(value, start);
            add(parts, value.substring(start, end));
            start = end + 1;
        }
        return parts;
    }

    /** How many elements {@link #split} would return, without making them (the Via count of every REGISTER). */
    static int count(String value) {
        int count = 0;
        for (int start = 0; start <= value.length(); ) {
            int end = topLevelComma(value, start);
            if (!isBlank(value, start, end)) {
                count++;
            }
            start = end + 1;
        }
        return count;
    }

    /** The index of the first comma at or after {@code from} outside quotes and angle brackets, else the length. */
    private static int topLevelComma(String value, int from) {
        boolean quoted = false;
        int angle = 0;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' && (i == 0 || value.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>' && angle > 0) {
                angle--;
            } else if (!quoted && angle == 0 && c == ',') {
                return i;
            }
        }
        return value.length();
    }

    private static boolean isBlank(String value, int start, int end) {
        for (int i = start; i < end; i++) {
            if (!Character.isWhitespace(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void add(List<String> parts, String part) {
        String trimmed = part.strip();
        if (!trimmed.isEmpty()) {
            parts.add(trimmed);
        }
    }
}
