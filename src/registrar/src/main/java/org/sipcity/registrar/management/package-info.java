/**
 * Administration of the registrar through the JDK's JMX API only: two MXBeans, {@code registrations} and
 * {@code subscribers}, registered in the platform MBean server as
 * {@code org.sipcity.sip:application=sipcity-registrar,name=...} while the application runs. The server's sip
 * subsystem shows them as {@code /deployment=WAR/subsystem=sip/managed-bean=...} (management CLI, HAL, the HTTP
 * management API); any JMX client sees them too. Interface, operation and parameter names and texts are
 * {@link javax.management.DescriptorKey} descriptor fields set by this package's annotations. Refusals are thrown as
 * {@link IllegalArgumentException} with a message for the operator; nothing else of the application leaves it.
 */
package org.sipcity.registrar.management;
