package org.sipcity.stack.core;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.parser.SipParseException;
import org.sipcity.stack.transport.Flow;

/**
 * Writes whole SIP messages received and sent to the log category {@value #CATEGORY}, when they match the
 * {@link TraceFilter} an operator set: the first tool when a phone cannot register. Off by default; the filter
 * can be changed at any time, from any thread, and applies to the next message.
 *
 * <p>Cheap when off: the hot path reads one volatile field ({@link #filter()}) and calls nothing else while it is
 * {@code null}. When on, an address filter decides on the flow alone; an AOR filter scans the raw bytes for the
 * AOR's user part and parses only the messages that contain it (see {@link TraceFilter}).
 *
 * <p>Messages are logged as received (before the overload valve and the parser: a request the valve sheds or the
 * parser refuses is traced too) and as written to the socket, with direction, transport, both addresses and the
 * flow id, at INFO level.
 */
public final class MessageTrace {

    /** The log category: an operator may give it a handler of its own (a file) and keep it out of the server log. */
    public static final String CATEGORY = "org.sipcity.sip.trace";

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    /** Where traced messages go; the log, except in tests. */
    @FunctionalInterface
    interface Sink {
        void write(String entry);
    }

    private final SipMessageParser parser;
    private volatile Sink sink = LOG::info;
    private volatile TraceFilter filter;

    MessageTrace(SipMessageParser parser) {
        this.parser = parser;
    }

    /** Captures entries instead of logging them (unit tests without a log manager to attach a handler to). */
    void sinkForTests(Sink testSink) {
        this.sink = testSink;
    }

    /** The filter in force; {@code null}: tracing is off. One volatile read, the only cost on the hot path when off. */
    public TraceFilter filter() {
        return filter;
    }

    /** Sets the filter; {@code null} switches tracing off. The change is logged. */
    public void filter(TraceFilter newFilter) {
        TraceFilter old = filter;
        filter = newFilter;
        if (newFilter != null) {
            LOG.infof("SIP message trace on: %s", newFilter);
        } else if (old != null) {
            LOG.info("SIP message trace off");
        }
    }

    /** A message read from {@code flow}, whole and not yet parsed; its indexes are left as they are. */
    void received(TraceFilter active, Flow flow, ByteBuf message) {
        if (matches(active, flow, message)) {
            sink.write(entry("received", "from", flow, message));
        }
    }

    /** A message about to be written on {@code flow}, encoded; its indexes are left as they are. */
    void sent(TraceFilter active, Flow flow, ByteBuf message) {
        if (matches(active, flow, message)) {
            sink.write(entry("sent", "to", flow, message));
        }
    }

    private boolean matches(TraceFilter active, Flow flow, ByteBuf message) {
        if (active.matchesAddress(flow)) {
            return true;
        }
        if (!active.hasAor() || !active.mayNameAor(message)) {
            return false;
        }
        SipMessage parsed;
        try {
            parsed = parser.parse(message);
        } catch (SipParseException unparsable) {
            return false; // names no AOR we can compare; an address trace still shows such messages
        }
        return active.namesAor(parsed);
    }

    private static String entry(String direction, String preposition, Flow flow, ByteBuf message) {
        String text = message.toString(message.readerIndex(), message.readableBytes(), StandardCharsets.UTF_8);
        return "SIP " + direction + " over " + flow.transport() + " " + preposition + " " + describe(flow.remoteAddress())
                + " (local " + describe(flow.localAddress()) + ", connector '" + flow.connectorName() + "', flow "
                + flow.id() + ", " + message.readableBytes() + " bytes):\n" + text;
    }

    private static String describe(InetSocketAddress address) {
        if (address == null) {
            return "?";
        }
        if (address.getAddress() == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        String ip = address.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }
}
