/**
 * A load generator for many persistent SIP flows over TCP: opens connections from several loopback source
 * addresses (and, through {@link org.sipcity.loadgen.ForkedWorker}, several JVMs, so the count is not capped by one
 * process's open-file limit), registers each with digest authentication, keeps them alive with RFC 5626 CRLF pings,
 * and measures REGISTER latency per step of connections (the paper's Figure 4) into a CSV file.
 *
 * <p>Only loopback targets and sources are accepted, and every loop is bounded in count and in time.
 */
package org.sipcity.loadgen;
