/**
 * A SIP application for the SIPp overload test: dialogs whose BYE and in-dialog responses must pass the overload
 * valve, and a slow OPTIONS that makes the worker queue fill under load.
 */
package org.sipcity.it.sip.dialog;
