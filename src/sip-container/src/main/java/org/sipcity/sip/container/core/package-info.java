/**
 * The container's machinery: the stack's transaction user ({@link org.sipcity.sip.container.core.MessageDispatcher}),
 * application selection through a JSR 289 application router, deployed applications and their sessions, the dialog
 * table, and the bounded worker pool with one serial queue per application session. Event-loop code here only sorts
 * and queues; servlet code runs on workers.
 */
package org.sipcity.sip.container.core;
