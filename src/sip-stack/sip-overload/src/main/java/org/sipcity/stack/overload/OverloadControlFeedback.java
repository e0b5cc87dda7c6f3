package org.sipcity.stack.overload;

import java.nio.charset.StandardCharsets;
import org.sipcity.stack.address.Via;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.SipParseException;

/**
 * What this server tells a cooperating upstream (RFC 7339 loss-based overload control) at one moment: the
 * percentage of its requests the upstream should drop before sending, for how long that holds, and a sequence
 * number that orders successive values.
 *
 * <p>RFC 7339 §5.2: a client that supports overload control puts the {@code oc} parameter in the top Via of its
 * requests; the server answers in the top Via of the response with {@code oc=<loss %>}, {@code oc-algo="loss"}
 * (the mandatory algorithm, §5.1), {@code oc-validity=<ms>} ({@code 0} tells the client to stop reducing) and
 * {@code oc-seq} ({@code seconds.counter}, increasing, §5.2: {@code 1*12DIGIT "." 1*5DIGIT}). Immutable; the valve
 * replaces its current feedback when a value changes.
 */
public final class OverloadControlFeedback {

    /** The Via parameters a server sets (and therefore first removes from the request's copy). */
    static final String[] VIA_PARAMETERS = {"oc", "oc-algo", "oc-validity", "oc-seq"};

    private final int lossPercent;
    private final long validityMillis;
    private final String sequence;
    private final byte[] viaParameters;

    /**
     * @param lossPercent    0-100: the share of new requests the upstream should drop
     * @param validityMillis how long the value holds; 0 ends the upstream's reduction
     * @param seconds        the integer part of oc-seq: seconds since the epoch when the value was set
     * @param counter        the fraction of oc-seq, 0-99999: orders values set within the same second
     */
    public OverloadControlFeedback(int lossPercent, long validityMillis, long seconds, int counter) {
        if (lossPercent < 0 || lossPercent > 100) {
            throw new IllegalArgumentException("oc loss must be 0-100 percent: " + lossPercent);
        }
        if (validityMillis < 0 || counter < 0 || counter > 99_999 || seconds < 0) {
            throw new IllegalArgumentException("negative oc-validity or oc-seq, or an oc-seq counter above 99999");
        }
        this.lossPercent = lossPercent;
        this.validityMillis = validityMillis;
        this.sequence = seconds + "." + counter;
        this.viaParameters = (";oc=" + lossPercent + ";oc-algo=\"loss\";oc-validity=" + validityMillis
                + ";oc-seq=" + sequence).getBytes(StandardCharsets.US_ASCII);
    }

    public int lossPercent() {
        return lossPercent;
    }

    public long validityMillis() {
        return validityMillis;
    }

    /** The oc-seq value, {@code seconds.counter}. */
    public String sequence() {
        return sequence;
    }

    /** {@code ;oc=..;oc-algo="loss";oc-validity=..;oc-seq=..}, ready to append to a top Via; not to be modified. */
    byte[] viaParameterBytes() {
        return viaParameters;
    }

    /**
     * For a proxy forwarding a response to a request whose top Via carried {@code oc}: writes this feedback into
     * the response's top Via (RFC 7339 §5.2), replacing any oc parameters there. Leaves the response unchanged
     * and returns false when its top Via does not carry {@code oc} (the upstream does not take part) or cannot
     * be parsed.
     */
    public boolean applyTo(SipResponse response) {
        Via top;
        try {
            top = response.getTopVia();
        } catch (RuntimeException unparsable) {
            return false;
        }
        if (top == null || !top.parameters().has("oc")) {
            return false;
        }
        Via annotated;
        try {
            annotated = Via.parse(annotate(top.toString()));
        } catch (SipParseException e) {
            return false;
        }
        response.removeFirstHeader(HeaderName.VIA);
        response.addHeaderFirst(HeaderName.VIA, annotated.toString());
        return true;
    }

    /** The Via text with its oc parameters replaced by this feedback. */
    private String annotate(String via) {
        StringBuilder out = new StringBuilder(via.length() + viaParameters.length);
        int semi = via.indexOf(';');
        out.append(semi < 0 ? via : via.substring(0, semi));
        while (semi >= 0) {
            int next = nextSemicolon(via, semi + 1);
            String parameter = via.substring(semi, next < 0 ? via.length() : next);
            if (!isOverloadParameter(parameter)) {
                out.append(parameter);
            }
            semi = next;
        }
        return out.append(new String(viaParameters, StandardCharsets.US_ASCII)).toString();
    }

    private static int nextSemicolon(String via, int from) {
        boolean quoted = false;
        for (int i = from; i < via.length(); i++) {
            char c = via.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isOverloadParameter(String parameter) {
        String body = parameter.substring(1).trim();
        int eq = body.indexOf('=');
        String name = (eq < 0 ? body : body.substring(0, eq)).trim();
        for (String ours : VIA_PARAMETERS) {
            if (ours.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return new String(viaParameters, StandardCharsets.US_ASCII);
    }
}
