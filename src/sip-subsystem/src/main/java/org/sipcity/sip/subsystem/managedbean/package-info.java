/**
 * Management beans of SIP applications shown in the management model. An application registers standard MBeans or
 * MXBeans with the JDK's JMX API in the platform MBean server under
 * {@code org.sipcity.sip:application=<SIP application name>,name=<bean>}; each appears as the runtime resource
 * {@code /deployment=<war>/subsystem=sip/managed-bean=<bean>} with its attributes as read-only runtime attributes and its
 * operations as management operations, and disappears when the application unregisters it or is undeployed.
 * See {@link org.sipcity.sip.subsystem.managedbean.ManagedBeanNames} for the naming and descriptor conventions.
 */
package org.sipcity.sip.subsystem.managedbean;
