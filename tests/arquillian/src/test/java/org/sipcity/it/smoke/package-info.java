/**
 * Smoke test of the integration-test harness: a WAR with a CDI bean and a JAX-RS resource, deployed into the
 * provisioned server and checked over HTTP on loopback and from inside the server.
 */
package org.sipcity.it.smoke;
