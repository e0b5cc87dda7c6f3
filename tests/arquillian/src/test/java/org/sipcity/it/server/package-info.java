/**
 * Checks of the provisioned server itself, through its management interfaces, before any SIP part exists.
 */
package org.sipcity.it.server;
