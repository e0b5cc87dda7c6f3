/**
 * Which database the server under test runs the registrar on ({@code SipCityDS}): H2 by default, MariaDB or
 * PostgreSQL in the failsafe executions of the same names, and the JUnit condition that prepares that database or
 * skips (or, in CI, fails) the tests when it cannot be reached.
 */
package org.sipcity.it.db;
