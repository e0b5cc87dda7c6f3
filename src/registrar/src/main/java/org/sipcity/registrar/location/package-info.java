/**
 * The location service: bindings of addresses-of-record to contacts behind
 * {@link org.sipcity.registrar.location.LocationService} (Kamailio's usrloc), read by the registrar and the proxy.
 */
package org.sipcity.registrar.location;
