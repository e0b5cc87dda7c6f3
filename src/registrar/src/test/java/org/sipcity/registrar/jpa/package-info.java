/**
 * JPA tests in Java SE (Hibernate ORM, the version WildFly ships) against real databases: H2 in a file, PostgreSQL
 * and MariaDB on loopback. Each contract is an abstract class with one concrete class per database.
 */
package org.sipcity.registrar.jpa;
