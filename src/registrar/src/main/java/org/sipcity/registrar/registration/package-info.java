/**
 * REGISTER processing (RFC 3261 §10.3 step by step, RFC 3327 Path, RFC 5626 outbound) as plain Java: requests and
 * answers are values ({@link org.sipcity.registrar.registration.RegisterRequest},
 * {@link org.sipcity.registrar.registration.RegistrarOutcome}); the servlet layer only translates.
 */
package org.sipcity.registrar.registration;
