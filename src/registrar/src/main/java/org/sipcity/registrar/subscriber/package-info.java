/**
 * Subscribers: the {@code Subscriber} entity (credentials as HA1 only), administration (add, change password,
 * remove, count) and bulk import from CSV.
 */
package org.sipcity.registrar.subscriber;
