package org.sipcity.stack.overload;

/** What the valve decides for one message, before it is parsed. */
public enum Verdict {
    /** Parse it and let it in. */
    ADMIT,
    /** Shed it and answer a stateless 503 ({@link OverloadValve#writeRejection}); no transaction is created. */
    REJECT,
    /** Shed it without an answer (UDP by choice, or nothing to address an answer with). */
    DROP
}
