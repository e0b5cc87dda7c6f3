package org.sipcity.registrar.location;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of a text that many bindings repeat: a city's phones send a few hundred distinct User-Agent values
 * between them, and 300,000 bindings should not each hold their own copy of one. Bounded, because the text comes
 * from the network: past {@link #MAX_TEXTS} distinct values a new one is simply not shared (what is shared stays).
 */
final class SharedTexts {

    static final int MAX_TEXTS = 4096;
    private static final ConcurrentHashMap<String, String> TEXTS = new ConcurrentHashMap<>();

    private SharedTexts() {
    }

    /** The shared copy of {@code text}, which becomes the shared copy if there is none and room is left. */
    static String share(String text) {
        if (text == null) {
            return null;
        }
        String shared = TEXTS.get(text);
        if (shared != null) {
            return shared;
        }
        if (TEXTS.size() >= MAX_TEXTS) {
            return text;
        }
        shared = TEXTS.putIfAbsent(text, text);
        return shared != null ? shared : text;
    }
}
