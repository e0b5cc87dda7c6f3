package org.sipcity.stack.core;

import java.util.Objects;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.SipTransportsConfig;

/**
 * Settings of one {@link SipStack}: its event loops, its parser limits and its transaction timers. Each part
 * documents its own defaults; the connectors are configured one by one when they are started.
 */
public record SipStackConfig(SipTransportsConfig transports, ParserConfig parser, TransactionConfig transactions) {

    public SipStackConfig {
        Objects.requireNonNull(transports, "transports");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(transactions, "transactions");
    }

    public static SipStackConfig defaults() {
        return new SipStackConfig(SipTransportsConfig.defaults(), ParserConfig.defaults(), TransactionConfig.defaults());
    }
}
