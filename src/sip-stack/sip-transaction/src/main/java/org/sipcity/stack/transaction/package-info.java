/**
 * The SIP transaction layer: RFC 3261 §17 with the RFC 6026 corrections (Accepted state,
 * Timers L and M).
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li>{@link org.sipcity.stack.transaction.TransactionLayer}: matching (§17.1.3, §17.2.3, §9.2),
 *       the table of live transactions, its limit, the entry points for the transport and the TU.</li>
 *   <li>The four state machines, each documented with the figure it implements:
 *       {@link org.sipcity.stack.transaction.InviteClientTransaction} (Timers A, B, D, M),
 *       {@link org.sipcity.stack.transaction.NonInviteClientTransaction} (E, F, K),
 *       {@link org.sipcity.stack.transaction.InviteServerTransaction} (G, H, I, L, 100 Trying),
 *       {@link org.sipcity.stack.transaction.NonInviteServerTransaction} (J).</li>
 *   <li>{@link org.sipcity.stack.transaction.TransactionChannel}: the only view of the network; the
 *       transport implements it. Reliability decides retransmissions and zero timers.</li>
 *   <li>{@link org.sipcity.stack.transaction.TransactionUser}: the callbacks to the core.</li>
 *   <li>{@link org.sipcity.stack.transaction.TransactionConfig}: T1, T2, T4, the derived timers and the limits.</li>
 *   <li>{@code CompletedEntries}: completed non-INVITE server transactions of unreliable transports as lean
 *       entries (key and {@link org.sipcity.stack.transaction.RetainedResponse}) until Timer J, within a byte
 *       budget, with one timer task for all of them.</li>
 *   <li>{@link org.sipcity.stack.transaction.TransactionCounters}: LongAdder metrics.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * <table>
 *   <caption>Who calls what</caption>
 *   <tr><th>caller</th><th>calls</th></tr>
 *   <tr><td>event loop of the flow a message arrived on</td>
 *       <td>{@code TransactionLayer.requestReceived}, {@code responseReceived}; from there the
 *       matched transaction's state change and the TU callback</td></tr>
 *   <tr><td>the timer thread ({@link org.sipcity.stack.timer.WheelTimer})</td>
 *       <td>retransmissions (A, E, G), timeouts (B, F, H) and the end of waiting states (D, I, J, K,
 *       L, M); TU callbacks {@code timeout} and {@code transactionTerminated}</td></tr>
 *   <tr><td>the TU, any thread</td>
 *       <td>{@code TransactionLayer.sendRequest}, {@code ServerTransaction.sendResponse}</td></tr>
 *   <tr><td>the transport, any thread</td>
 *       <td>the {@link org.sipcity.stack.transaction.SendFailureListener} given with each send</td></tr>
 * </table>
 *
 * <p>Messages: a request or response handed to the layer belongs to it from then on. The layer reads
 * it on the thread that delivered it, and its transaction may send it again from the timer thread;
 * do not change it afterwards (the message model parses lazily and is not thread-safe). The
 * messages the layer builds itself (the 100 Trying, the ACK for a non-2xx) are built on the thread
 * that delivered the message they answer.
 *
 * <p>Each transaction guards its state with its own monitor, held only for the transition itself
 * and the non-blocking hand-over of a message to its channel; TU callbacks are made after it is
 * released. The table is a {@link java.util.concurrent.ConcurrentHashMap}; the limit is one
 * {@link java.util.concurrent.atomic.AtomicInteger}; there is no lock shared between transactions.
 */
package org.sipcity.stack.transaction;
