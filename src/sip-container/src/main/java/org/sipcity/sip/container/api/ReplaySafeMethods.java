package org.sipcity.sip.container.api;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The request methods an application answers again, without doing its work twice, when a retransmission arrives after
 * the server transaction has gone: a registrar that recognises the REGISTER transaction that last wrote a binding
 * (RFC 3261 §10.3 step 7) answers it 200 again and writes nothing. For these methods the container marks the
 * application's final responses replay-safe, so that over UDP the transaction layer may release their completed
 * state before T4 when its memory for completed transactions is full, instead of refusing new requests with 503
 * (see the stack's {@code ServerTransaction.markReplaySafe}). A method not declared keeps the RFC's protection.
 *
 * <p>Declared with a plain JSR 289 {@code <context-param>} in sip.xml, so the application needs no container API:
 * <pre>{@code
 * <context-param>
 *     <param-name>org.sipcity.sip.replay-safe-methods</param-name>
 *     <param-value>REGISTER</param-value>
 * </context-param>
 * }</pre>
 */
public final class ReplaySafeMethods {

    /** The context parameter: method names separated by commas or white space; none by default. */
    public static final String CONTEXT_PARAMETER = "org.sipcity.sip.replay-safe-methods";

    /** None: every method keeps its completed transactions for T4 at least. */
    public static final ReplaySafeMethods NONE = new ReplaySafeMethods(Set.of());

    /** RFC 3261 §25.1: a method is a token. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+");

    private final Set<String> methods;

    private ReplaySafeMethods(Set<String> methods) {
        this.methods = methods;
    }

    /**
     * The methods the context parameters declare.
     *
     * @throws SipDeploymentException for a name that is not a method token, or for INVITE or ACK, whose transactions
     *                                keep no response to replay (an INVITE's retransmissions must be absorbed)
     */
    public static ReplaySafeMethods declaredBy(Map<String, String> contextParameters, String where)
            throws SipDeploymentException {
        String value = contextParameters.get(CONTEXT_PARAMETER);
        if (value == null || value.isBlank()) {
            return NONE;
        }
        Set<String> methods = new TreeSet<>();
        for (String name : value.trim().split("[,\\s]+")) {
            if (!TOKEN.matcher(name).matches()) {
                throw new SipDeploymentException(where + ": context-param " + CONTEXT_PARAMETER + " names '" + name
                        + "', which is not a SIP method");
            }
            if (name.equalsIgnoreCase("INVITE") || name.equalsIgnoreCase("ACK")) {
                throw new SipDeploymentException(where + ": context-param " + CONTEXT_PARAMETER + " names " + name
                        + "; only non-INVITE requests that get a final response can be replay-safe");
            }
            methods.add(name);   // as written: SIP methods are case-sensitive (RFC 3261 §7.1)
        }
        return new ReplaySafeMethods(Set.copyOf(methods));
    }

    /** Whether the application declared {@code method}, spelt as in the request line. */
    public boolean covers(String method) {
        return methods.contains(method);
    }

    /** The declared methods in order, for the deployment log. */
    @Override
    public String toString() {
        return methods.isEmpty() ? "none" : String.join(",", new TreeSet<>(methods));
    }
}
