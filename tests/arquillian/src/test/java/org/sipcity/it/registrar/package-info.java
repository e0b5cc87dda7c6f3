/**
 * The registrar WAR the reactor builds, deployed in the provisioned server on SipCityDS and exercised with real SIP
 * over UDP and TCP (RFC 3261 §10.3).
 */
package org.sipcity.it.registrar;
