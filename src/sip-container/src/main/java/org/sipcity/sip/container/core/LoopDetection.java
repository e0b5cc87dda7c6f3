package org.sipcity.sip.container.core;

import java.util.List;

import org.sipcity.stack.address.Via;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;

/**
 * Loop detection of the proxy (RFC 3261 §16.3 step 4, §16.6 step 8; RFC 5393 §4.2 keeps it for proxies that fork).
 *
 * <p>The branch of every request the proxy forwards is {@code z9hG4bK} + a loop key + "." + a unique part. The loop
 * key is a hash of what a loop leaves unchanged and a spiral changes: the Request-URI as received, the top Via as
 * received, the From and To tags, the Call-ID, the CSeq number, Proxy-Require and Proxy-Authorization. When a
 * request comes back holding one of our Vias with such a branch, the key is computed again over the request as it
 * is now, taking the Via under ours as the top Via it had when we forwarded it: the same key means the request
 * looped (answered 482 Loop Detected); another key means it spiralled (its Request-URI was changed, e.g. retargeted
 * by another proxy) and it goes on.
 *
 * <p>The key is a 64-bit FNV-1a hash: it needs to tell requests apart, not to resist an attacker, who could only
 * make a request of its own look looped.
 */
public final class LoopDetection {

    private static final String COOKIE = Via.MAGIC_COOKIE;
    private static final int KEY_CHARS = 16;

    private LoopDetection() {
    }

    /** The loop key of a request as received (its top Via is the previous hop's). */
    public static String loopKey(SipRequest received) {
        return loopKey(received, received.getVias(), 0);
    }

    /** The branch of a request forwarded with {@code loopKey}: unique through {@code uniqueBranch}, a fresh branch. */
    public static String branch(String loopKey, String uniqueBranch) {
        String unique = uniqueBranch.startsWith(COOKIE) ? uniqueBranch.substring(COOKIE.length()) : uniqueBranch;
        return COOKIE + loopKey + '.' + unique;
    }

    /**
     * Whether {@code received} holds a Via of this server whose branch carries the loop key the request has now: it
     * has been here before, unchanged (RFC 3261 §16.3 step 4). Costs a comparison of sent-by per Via when none is
     * ours.
     */
    public static boolean hasLooped(SipRequest received, SipStack stack, String advertisedHost) {
        List<Via> vias = received.getVias();
        // the bottom Via is the originating client's: a Via of ours there is a request we sent as a UAC
        for (int i = 0; i + 1 < vias.size(); i++) {
            Via via = vias.get(i);
            String branch = via.branch();
            if (branch != null && carriesLoopKey(branch) && LocalRoutes.isOurs(via.host(), via.port(), stack, advertisedHost)
                    && branch.regionMatches(COOKIE.length(), loopKey(received, vias, i + 1), 0, KEY_CHARS)) {
                return true;
            }
        }
        return false;
    }

    private static boolean carriesLoopKey(String branch) {
        return branch.length() > COOKIE.length() + KEY_CHARS && branch.startsWith(COOKIE)
                && branch.charAt(COOKIE.length() + KEY_CHARS) == '.';
    }

    /** The key of {@code request} with {@code vias.get(topVia)} as its top Via. */
    private static String loopKey(SipRequest request, List<Via> vias, int topVia) {
        long hash = 0xcbf29ce484222325L;
        hash = mix(hash, String.valueOf(request.getRequestUri()));
        hash = mix(hash, topVia < vias.size() ? vias.get(topVia).toString() : "");
        hash = mix(hash, request.getFromTag());
        hash = mix(hash, request.getToTag());
        hash = mix(hash, request.getCallId());
        hash = mix(hash, request.getCSeq() == null ? "" : Long.toString(request.getCSeq().sequence()));
        for (String value : request.getHeaders(HeaderName.PROXY_REQUIRE)) {
            hash = mix(hash, value);
        }
        for (String value : request.getHeaders(HeaderName.PROXY_AUTHORIZATION)) {
            hash = mix(hash, value);
        }
        String hex = Long.toHexString(hash);
        return "0".repeat(KEY_CHARS - hex.length()) + hex;
    }

    /** FNV-1a over the characters of {@code value}, then a separator so that ("ab", "c") differs from ("a", "bc"). */
    private static long mix(long hash, String value) {
        long h = hash;
        if (value != null) {
            for (int i = 0; i < value.length(); i++) {
                h = (h ^ value.charAt(i)) * 0x100000001b3L;
            }
        }
        return (h ^ 0x1F) * 0x100000001b3L;
    }
}
