/**
 * The overload valve: on the event loop that read a message, before any parse, it sorts the message by its first
 * line (and a bounded byte scan of its head) into a {@link org.sipcity.stack.overload.TrafficClass} and decides
 * whether to admit it, answer a byte-built stateless 503, or drop it (Ono and Schulzrinne, "One Server Per City",
 * §7.1). Overload is detected from what the server suffers: the worker queue's sojourn time and depth, event-loop
 * lag, heap occupancy after GC ({@link org.sipcity.stack.overload.LoadSignals}), with hysteresis and a smooth
 * loss fraction; RFC 7339 feedback goes to upstreams that advertise {@code oc}.
 *
 * <p>{@link org.sipcity.stack.overload.OverloadValve} is the pluggable contract, {@link
 * org.sipcity.stack.overload.SojournTimeValve} the default.
 */
package org.sipcity.stack.overload;
