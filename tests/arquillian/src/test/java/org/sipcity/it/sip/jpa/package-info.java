/** A SIP servlet with {@code @PersistenceContext} and a transactional CDI bean on the server's default datasource. */
package org.sipcity.it.sip.jpa;
