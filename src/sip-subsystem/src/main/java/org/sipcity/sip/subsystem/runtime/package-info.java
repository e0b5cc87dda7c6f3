/**
 * What runs behind the management model: the metrics read from the live stack and connectors, and the transaction
 * user of a stack without applications.
 */
package org.sipcity.sip.subsystem.runtime;
