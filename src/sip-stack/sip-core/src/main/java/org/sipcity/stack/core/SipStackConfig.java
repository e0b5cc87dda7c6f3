package org.sipcity.stack.core;

import java.util.Objects;
import org.sipcity.stack.overload.OverloadValve;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.SipTransportsConfig;

/**
 * Settings of one {@link SipStack}: its event loops, its parser limits, its transaction timers and the overload
 * valve that inspects every message before it is parsed ({@link OverloadValve#ADMIT_ALL} unless one is given).
 * Each part documents its own defaults; the connectors are configured one by one when they are started.
 */
public record SipStackConfig(SipTransportsConfig transports, ParserConfig parser, TransactionConfig transactions,
                             OverloadValve overloadValve) {

    public SipStackConfig {
        Objects.requireNonNull(transports, "transports");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(transactions, "transactions");
        Objects.requireNonNull(overloadValve, "overloadValve");
    }

    /** Settings without overload control. */
    public SipStackConfig(SipTransportsConfig transports, ParserConfig parser, TransactionConfig transactions) {
        this(transports, parser, transactions, OverloadValve.ADMIT_ALL);
    }

    /** The same settings with {@code valve} inspecting inbound messages. */
    public SipStackConfig withOverloadValve(OverloadValve valve) {
        return new SipStackConfig(transports, parser, transactions, valve);
    }

    public static SipStackConfig defaults() {
        return new SipStackConfig(SipTransportsConfig.defaults(), ParserConfig.defaults(), TransactionConfig.defaults());
    }
}
