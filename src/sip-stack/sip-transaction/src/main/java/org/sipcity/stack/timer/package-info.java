/**
 * Timers for the SIP stack: the {@link org.sipcity.stack.timer.SipTimer} abstraction, its
 * production implementation on a hashed timer wheel ({@link org.sipcity.stack.timer.WheelTimer})
 * and a simulated clock for tests ({@link org.sipcity.stack.timer.SimulatedTimer}).
 *
 * <p>Threads: {@code schedule} and {@code cancel} may be called from any thread. Production tasks
 * run on the single wheel worker thread {@code sip-timer-N}; simulated tasks run on the thread
 * that calls {@code advance}.
 */
package org.sipcity.stack.timer;
