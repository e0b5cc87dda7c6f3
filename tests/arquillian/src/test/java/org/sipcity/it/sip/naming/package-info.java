/**
 * A SIP application that reaches the container's services the two ways JSR 289 §18.2 offers an EE application: a
 * JNDI lookup under {@code java:comp/env/sip/APP/} and {@code @Resource} injection.
 */
package org.sipcity.it.sip.naming;
