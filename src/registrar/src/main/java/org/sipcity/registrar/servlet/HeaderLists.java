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
        boolean quoted = false;
        int angle = 0;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' && (i == 0 || value.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>' && angle > 0) {
                angle--;
            } else if (!quoted && angle == 0 && c == ',') {
                add(parts, value.substring(start, i));
                start = i + 1;
            }
        }
        add(parts, value.substring(start));
        return parts;
    }

    /** How many elements {@link #split} would return, without making them (the Via count of every REGISTER). */
    static int count(String value) {
        int count = 0;
        boolean quoted = false;
        int angle = 0;
        boolean content = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' && (i == 0 || value.charAt(i - 1) != '\\')) {
                quoted = !quoted;
                content = true;
            } else if (!quoted && c == '<') {
                angle++;
                content = true;
            } else if (!quoted && c == '>' && angle > 0) {
                angle--;
                content = true;
            } else if (!quoted && angle == 0 && c == ',') {
                count += content ? 1 : 0;
                content = false;
            } else if (!Character.isWhitespace(c)) {
                content = true;
            }
        }
        return count + (content ? 1 : 0);
    }

    private static void add(List<String> parts, String part) {
        String trimmed = part.strip();
        if (!trimmed.isEmpty()) {
            parts.add(trimmed);
        }
    }
}
