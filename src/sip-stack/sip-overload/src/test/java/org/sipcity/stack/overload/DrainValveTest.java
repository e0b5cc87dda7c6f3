package org.sipcity.stack.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.overload.Messages.buffer;
import static org.sipcity.stack.overload.Messages.classify;
import static org.sipcity.stack.overload.Messages.request;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.transport.TransportType;

class DrainValveTest {

    private final TestFlow udp = new TestFlow(TransportType.UDP);
    private final TestFlow tcp = new TestFlow(TransportType.TCP);

    private static Verdict judge(OverloadValve valve, String message, TestFlow flow) {
        ByteBuf bytes = buffer(message);
        try {
            return valve.inspect(classify(bytes), bytes, flow);
        } finally {
            bytes.release();
        }
    }

    @Test
    void shedsNewWorkAndRefreshesAndAdmitsDialogsAndResponses() {
        DrainValve valve = new DrainValve();
        assertThat(judge(valve, request("INVITE", "<sip:bob@city.example.net>"), tcp)).isEqualTo(Verdict.REJECT);
        assertThat(judge(valve, request("REGISTER", "<sip:bob@city.example.net>",
                "Authorization: Digest username=\"bob\""), tcp)).isEqualTo(Verdict.REJECT);
        assertThat(judge(valve, request("INFO", "<sip:bob@city.example.net>;tag=a6c85cf"), tcp)).isEqualTo(Verdict.ADMIT);
        assertThat(judge(valve, request("BYE", "<sip:bob@city.example.net>;tag=a6c85cf"), udp)).isEqualTo(Verdict.ADMIT);
        assertThat(judge(valve, "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", udp)).isEqualTo(Verdict.ADMIT);
    }

    @Test
    void dropsOverUdpWhenConfiguredAndNeverAnswersWhatIsNotARequest() {
        DrainValve valve = new DrainValve(OverloadSettings.builder().dropOnUdp(true).build());
        assertThat(judge(valve, request("REGISTER", "<sip:bob@city.example.net>"), udp)).isEqualTo(Verdict.DROP);
        assertThat(judge(valve, request("REGISTER", "<sip:bob@city.example.net>"), tcp)).isEqualTo(Verdict.REJECT);
        assertThat(judge(new DrainValve(), "\u0001\u0002 not SIP\r\n\r\n", udp)).isEqualTo(Verdict.DROP);
    }

    @Test
    void answers503WithRetryAfterInTheConfiguredRange() {
        DrainValve valve = new DrainValve(OverloadSettings.builder()
                .retryAfter(30, 30).build());
        ByteBuf request = buffer(request("REGISTER", "<sip:bob@city.example.net>"));
        ByteBuf out = Unpooled.buffer();
        try {
            assertThat(valve.writeRejection(request, out)).isTrue();
            String answer = out.toString(StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("SIP/2.0 503 Service Unavailable\r\n").contains("\r\nRetry-After: 30\r\n")
                    .contains("\r\nCall-ID: a84b4c76e66710@pc33.city.example.net\r\n");
        } finally {
            request.release();
            out.release();
        }
    }
}
