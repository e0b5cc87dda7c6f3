package org.sipcity.sip.container.core;

/**
 * Identifies a dialog at this end (RFC 3261 §12): Call-ID, our tag and the peer's tag. A request of the dialog carries
 * our tag in To and the peer's in From.
 */
public record DialogKey(String callId, String localTag, String remoteTag) {
}
