package org.sipcity.stack.framing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Realistic messages of a registrar and outbound proxy's day, each with a correct Content-Length. */
final class SampleMessages {

    static final String SDP = "v=0\r\n"
            + "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
            + "s=-\r\n"
            + "c=IN IP4 192.0.2.10\r\n"
            + "t=0 0\r\n"
            + "m=audio 49170 RTP/AVP 0 8 101\r\n"
            + "a=rtpmap:0 PCMU/8000\r\n"
            + "a=rtpmap:8 PCMA/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n"
            + "a=sendrecv\r\n";

    /** RFC 5626 REGISTER over TCP, long-form Content-Length, no body. */
    static final byte[] REGISTER = message("REGISTER sip:example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.10:52811;branch=z9hG4bK-524287-1---77ba17085d60f141;rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "Contact: <sip:alice@192.0.2.10:52811;transport=tcp;ob>;reg-id=1;"
            + "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"\r\n"
            + "To: \"Alice\" <sip:alice@example.com>\r\n"
            + "From: \"Alice\" <sip:alice@example.com>;tag=9fxced76sl\r\n"
            + "Call-ID: c3x842276298220188511\r\n"
            + "CSeq: 1 REGISTER\r\n"
            + "Expires: 3600\r\n"
            + "Supported: path, outbound, gruu\r\n"
            + "User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)\r\n",
            "Content-Length: %d\r\n", "");

    /** INVITE with an SDP body, compact-form Content-Length in upper case. */
    static final byte[] INVITE = message("INVITE sip:bob@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.10:52811;branch=z9hG4bK776asdhds;rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "To: Bob <sip:bob@example.com>\r\n"
            + "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
            + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
            + "CSeq: 314159 INVITE\r\n"
            + "Contact: <sip:alice@192.0.2.10:52811;transport=tcp;ob>\r\n"
            + "Content-Type: application/sdp\r\n",
            "L: %d\r\n", SDP);

    /** 200 OK to the REGISTER, Content-Length folded onto a continuation line with leading zeros. */
    static final byte[] REGISTER_OK = message("SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.10:52811;branch=z9hG4bK-524287-1---77ba17085d60f141;rport=52811;"
            + "received=192.0.2.10\r\n"
            + "To: \"Alice\" <sip:alice@example.com>;tag=37GkEhwl6\r\n"
            + "From: \"Alice\" <sip:alice@example.com>;tag=9fxced76sl\r\n"
            + "Call-ID: c3x842276298220188511\r\n"
            + "CSeq: 1 REGISTER\r\n"
            + "Contact: <sip:alice@192.0.2.10:52811;transport=tcp;ob>;expires=3600\r\n"
            + "Require: outbound\r\n"
            + "Date: Wed, 25 Nov 2026 18:00:00 GMT\r\n",
            "content-length:\r\n  000%d \r\n", "");

    /** 200 OK to the INVITE, answering SDP. */
    static final byte[] INVITE_OK = message("SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.10:52811;branch=z9hG4bK776asdhds;rport=52811;received=192.0.2.10\r\n"
            + "To: Bob <sip:bob@example.com>;tag=a6c85cf\r\n"
            + "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
            + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
            + "CSeq: 314159 INVITE\r\n"
            + "Contact: <sip:bob@192.0.2.4>\r\n"
            + "Content-Type: application/sdp\r\n",
            "Content-Length   :\t%d\r\n", SDP.replace("alice", "bob").replace("192.0.2.10", "192.0.2.4"));

    static final byte[] ACK = message("ACK sip:bob@192.0.2.4 SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.10:52811;branch=z9hG4bKnashds8\r\n"
            + "Max-Forwards: 70\r\n"
            + "To: Bob <sip:bob@example.com>;tag=a6c85cf\r\n"
            + "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
            + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
            + "CSeq: 314159 ACK\r\n",
            "l:0\r\n", "");

    static final List<byte[]> ALL = List.of(REGISTER, INVITE, REGISTER_OK, INVITE_OK, ACK);

    private SampleMessages() {
    }

    /** The head, the Content-Length field formatted with the body's length, the empty line, the body. */
    static byte[] message(String head, String contentLengthFormat, String body) {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String text = head + String.format(contentLengthFormat, bodyBytes.length) + "\r\n" + body;
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
