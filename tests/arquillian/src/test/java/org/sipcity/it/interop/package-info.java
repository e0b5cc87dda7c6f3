/**
 * Real SIP user agents against the provisioned server with the registrar: SIPp (Debian {@code sip-tester})
 * registering thousands of users with digest authentication over one persistent TCP connection, and two baresip
 * instances registering over TCP and calling each other through the proxy. Skipped with the reason when the tool is
 * not installed outside CI ({@code .ci/run} installs both).
 */
package org.sipcity.it.interop;
