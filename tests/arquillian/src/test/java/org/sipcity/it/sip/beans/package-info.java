/**
 * A SIP application that publishes management beans with the JDK's JMX API only: a standard MBean whose parameter
 * names and texts come from a {@code StandardMBean} subclass, and an MXBean answering tabular data. It never
 * unregisters them, so the test also shows the subsystem cleaning up at undeploy.
 */
package org.sipcity.it.sip.beans;
