package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.sipcity.stack.classify.FirstLineClassifier;

/** Test messages written line by line (CRLF added), and their first-line classification. */
final class Messages {

    private Messages() {
    }

    static String lines(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    static ByteBuf buffer(String message) {
        return Unpooled.copiedBuffer(message, StandardCharsets.UTF_8);
    }

    static long classify(ByteBuf message) {
        return FirstLineClassifier.classify(message, message.readerIndex(), message.readableBytes());
    }

    /** A request of {@code method} with {@code to} as its To field value and the given extra header lines. */
    static String request(String method, String to, String... extra) {
        StringBuilder sb = new StringBuilder()
                .append(method).append(" sip:bob@city.example.net SIP/2.0\r\n")
                .append("Via: SIP/2.0/TCP 192.0.2.41:50412;rport;branch=z9hG4bK-1a2b3c\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: Alice <sip:alice@city.example.net>;tag=1928301774\r\n")
                .append("To: ").append(to).append("\r\n")
                .append("Call-ID: a84b4c76e66710@pc33.city.example.net\r\n")
                .append("CSeq: 314159 ").append(method).append("\r\n");
        for (String line : extra) {
            sb.append(line).append("\r\n");
        }
        return sb.append("Content-Length: 0\r\n\r\n").toString();
    }
}
