/**
 * A SIP user agent for tests, built on the SIP City stack: {@link org.sipcity.testing.SipTestClient} binds on
 * loopback, sends requests in client transactions and waits, always with a bound, for their responses and for
 * requests sent to it. Meant for test code (for instance Arquillian {@code @RunAsClient} tests), not for
 * production traffic.
 */
package org.sipcity.testing;
