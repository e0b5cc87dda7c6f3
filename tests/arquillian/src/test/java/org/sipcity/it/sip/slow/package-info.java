/**
 * A SIP application whose servlet is slow on purpose, so that the container's worker queue fills and the overload
 * valve sees its sojourn time grow.
 */
package org.sipcity.it.sip.slow;
