/**
 * The location service on JPA: the {@code Binding} entity, an in-memory table that answers every lookup, and the
 * write-through and write-back modes of Kamailio's usrloc.
 */
package org.sipcity.registrar.location.jpa;
