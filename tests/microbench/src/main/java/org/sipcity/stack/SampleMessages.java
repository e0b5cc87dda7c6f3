package org.sipcity.stack;

/** Messages several benchmarks share, so that their figures are for the same bytes. */
public final class SampleMessages {

    /** A REGISTER as a softphone on TCP sends it (RFC 5626 outbound), no credentials, 560 bytes. */
    public static final String OUTBOUND_REGISTER = String.join("\r\n",
            "REGISTER sip:registrar.city.example.net SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.41:50412;rport;branch=z9hG4bK-524287-1---a3e1f7c5d2b4",
            "Max-Forwards: 70",
            "Contact: <sip:alice@192.0.2.41:50412;transport=tcp;ob>;reg-id=1;+sip.instance=\"<urn:uuid:6f1c2e7a-0d4b-4a8e-9c3f-2b7d5e1a9c40>\"",
            "To: <sip:alice@city.example.net>",
            "From: <sip:alice@city.example.net>;tag=7c1d2e9a",
            "Call-ID: 5f0e8c1b2a3d4e5f6a7b8c9d0e1f2a3b",
            "CSeq: 1 REGISTER",
            "Expires: 3600",
            "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE",
            "Supported: replaces, outbound, gruu, path",
            "User-Agent: Softphone 5.3.1",
            "Content-Length: 0",
            "", "");

    private SampleMessages() {
    }
}
