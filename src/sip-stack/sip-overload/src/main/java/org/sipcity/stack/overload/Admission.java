package org.sipcity.stack.overload;

/** How the {@link SojournTimeValve} admits new work (and REGISTER refreshes) while overloaded. */
public enum Admission {
    /**
     * At a rate: the rate new work was admitted at when overload began (what the server was serving), cut while the
     * workers are overloaded or the UDP sockets drop, raised step by step while every signal is calm; requests
     * beyond it are shed. The cut stops at the excess, so what shedding itself costs cannot drive admission down
     * (RFC 7415's rate-based control, applied by the server to itself).
     */
    RATE,
    /**
     * By a loss fraction: cut multiplicatively while any signal is above its high mark, given back while below
     * (RFC 7339 Appendix B); the fraction is drawn per request.
     */
    LOSS
}
