package org.sipcity.sip.container.api;

import java.util.Locale;
import java.util.Map;

/**
 * Where an application's code runs. JSR 289 servlets may block (JDBC, DNS), so the safe default is a worker; an
 * application that declares it never blocks has its messages run to completion on the event loop that read them
 * (Kamailio's model; Undertow does the same for non-blocking handlers), which saves two thread wake-ups per message.
 *
 * <p>Declared with a plain JSR 289 {@code <context-param>} in sip.xml, so the application needs no container API:
 * <pre>{@code
 * <context-param>
 *     <param-name>org.sipcity.sip.dispatch</param-name>
 *     <param-value>inline</param-value>
 * </context-param>
 * }</pre>
 */
public enum DispatchMode {
    /** On the shared bounded worker pool (the default): code that may block. */
    WORKER,
    /** On the event loop that read the message: code that never blocks. */
    INLINE;

    /** The context parameter that declares the mode: {@code worker} (default) or {@code inline}. */
    public static final String CONTEXT_PARAMETER = "org.sipcity.sip.dispatch";

    /**
     * The mode the context parameters declare.
     *
     * @throws SipDeploymentException for a value that is neither {@code worker} nor {@code inline}
     */
    public static DispatchMode declaredBy(Map<String, String> contextParameters, String where) throws SipDeploymentException {
        String value = contextParameters.get(CONTEXT_PARAMETER);
        if (value == null || value.isBlank()) {
            return WORKER;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "worker":
                return WORKER;
            case "inline":
                return INLINE;
            default:
                throw new SipDeploymentException(where + ": context-param " + CONTEXT_PARAMETER + " is '" + value
                        + "'; expected 'worker' (code that may block, the default) or 'inline' (code that never blocks)");
        }
    }
}
