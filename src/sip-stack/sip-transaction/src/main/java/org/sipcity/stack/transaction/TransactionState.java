package org.sipcity.stack.transaction;

/**
 * States of the four transaction state machines (RFC 3261 §17, RFC 6026 §7).
 *
 * <table>
 *   <caption>Which machine uses which state</caption>
 *   <tr><th>state</th><th>INVITE client</th><th>non-INVITE client</th><th>INVITE server</th><th>non-INVITE server</th></tr>
 *   <tr><td>CALLING</td><td>yes</td><td></td><td></td><td></td></tr>
 *   <tr><td>TRYING</td><td></td><td>yes</td><td></td><td>yes</td></tr>
 *   <tr><td>PROCEEDING</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>ACCEPTED</td><td>yes (RFC 6026)</td><td></td><td>yes (RFC 6026)</td><td></td></tr>
 *   <tr><td>COMPLETED</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>CONFIRMED</td><td></td><td></td><td>yes</td><td></td></tr>
 *   <tr><td>TERMINATED</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * </table>
 */
public enum TransactionState {
    CALLING,
    TRYING,
    PROCEEDING,
    ACCEPTED,
    COMPLETED,
    CONFIRMED,
    TERMINATED
}
