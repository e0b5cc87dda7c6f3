package org.sipcity.stack.parser;

import java.nio.charset.StandardCharsets;

/** Sample messages for tests; lines joined with CRLF. */
public final class Messages {

    private Messages() {
    }

    public static byte[] crlf(String... lines) {
        return (String.join("\r\n", lines)).getBytes(StandardCharsets.UTF_8);
    }

    public static final String REGISTER = String.join("\r\n",
            "REGISTER sip:registrar.biloxi.example.com SIP/2.0",
            "Via: SIP/2.0/TCP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7;rport",
            "Max-Forwards: 70",
            "To: Bob <sip:bob@biloxi.example.com>",
            "From: Bob <sip:bob@biloxi.example.com>;tag=456248",
            "Call-ID: 843817637684230@998sdasdh09",
            "CSeq: 1826 REGISTER",
            "Contact: <sip:bob@192.0.2.4:5060;transport=tcp>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1",
            "Supported: outbound, path",
            "Expires: 7200",
            "Content-Length: 0",
            "", "");

    public static final String SDP = String.join("\r\n",
            "v=0",
            "o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com",
            "s=-",
            "c=IN IP4 pc33.atlanta.example.com",
            "t=0 0",
            "m=audio 49172 RTP/AVP 0",
            "a=rtpmap:0 PCMU/8000", "");

    public static final String INVITE = String.join("\r\n",
            "INVITE sip:bob@biloxi.example.com SIP/2.0",
            "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
            "Max-Forwards: 70",
            "To: Bob <sip:bob@biloxi.example.com>",
            "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
            "CSeq: 314159 INVITE",
            "Contact: <sip:alice@pc33.atlanta.example.com>",
            "Content-Type: application/sdp",
            "Content-Length: " + SDP.length(),
            "", SDP);

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
