/**
 * Sorts a buffered SIP message by its first line alone, before any parse and without allocating:
 * request or response, the method or the status code.
 *
 * <p>This is what the overload valve runs on the I/O thread for every message: it must cost a few
 * tens of nanoseconds and produce no garbage. The result is a packed {@code long} read with the
 * static accessors of {@link org.sipcity.stack.classify.FirstLineClassifier}.
 */
package org.sipcity.stack.classify;
