package org.sipcity.stack.overload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sipcity.microbench.SilentTcpFlow;
import org.sipcity.stack.SampleMessages;
import org.sipcity.stack.classify.FirstLineClassifier;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.parser.SipParseException;
import org.sipcity.stack.transport.Flow;

/**
 * What shedding one request costs on the event loop, against parsing it: the shed path is what the stack's
 * dispatcher does for a refused request (first-line classification, the valve's decision with its head scan,
 * a pooled buffer, the byte-built 503); the parse is the stack's full parse of the same frame (it copies the
 * frame once, as the dispatcher's does). Also the valve's toll on every admitted message while nothing is shed
 * (first-line classification and the decision, without a head scan).
 * The messages sit in direct buffers, as frames cut by the transport do; the REGISTER has no credentials (new work),
 * so the decision scans its whole head for an Authorization field: the longest scan the valve makes.
 *
 * <p>Run: {@code java -jar tests/microbench/target/benchmarks.jar overload -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OverloadValveBenchmark {

    static final String REGISTER = SampleMessages.OUTBOUND_REGISTER;

    static final String SDP = String.join("\r\n",
            "v=0", "o=alice 2890844526 2890844526 IN IP4 192.0.2.41", "s=-", "c=IN IP4 192.0.2.41", "t=0 0",
            "m=audio 49172 RTP/AVP 0 8 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=sendrecv", "");

    static final String INVITE = String.join("\r\n",
            "INVITE sip:bob@city.example.net SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.41:50412;rport;branch=z9hG4bK-524287-1---776asdhds",
            "Max-Forwards: 70",
            "Contact: <sip:alice@192.0.2.41:50412;transport=tcp;ob>",
            "To: Bob <sip:bob@city.example.net>",
            "From: Alice <sip:alice@city.example.net>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.city.example.net",
            "CSeq: 314159 INVITE",
            "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE",
            "Supported: replaces, outbound, timer",
            "Session-Expires: 1800",
            "User-Agent: Softphone 5.3.1",
            "Content-Type: application/sdp",
            "Content-Length: " + SDP.length(),
            "", SDP);

    /** Constant load: a worker queue whose oldest task waited 5 s, or an idle server. */
    private record ConstantLoad(long oldestWaitNanos) implements LoadSignals {
        @Override
        public int queueDepth() {
            return 0;
        }

        @Override
        public long eventLoopLagNanos() {
            return 0;
        }

        @Override
        public double heapOccupancyAfterGc() {
            return 0.2;
        }
    }

    private final SipMessageParser parser = new SipMessageParser(ParserConfig.defaults());
    private final Flow flow = new SilentTcpFlow();
    private SojournTimeValve overloaded;
    private SojournTimeValve idle;
    private ByteBuf register;
    private ByteBuf invite;

    @Setup
    public void setUp() {
        overloaded = new SojournTimeValve(OverloadSettings.builder().admission(org.sipcity.stack.overload.Admission.LOSS).build(),
                new ConstantLoad(5_000_000_000L)); // the loss shed path: every new request shed
        for (int i = 0; i < 50; i++) {
            overloaded.evaluate();
        }
        if (overloaded.figures().newWorkLoss() < 1) {
            throw new IllegalStateException("the valve should shed all new work");
        }
        idle = new SojournTimeValve(OverloadSettings.defaults(), new ConstantLoad(0));
        idle.evaluate();
        register = direct(REGISTER);
        invite = direct(INVITE);
    }

    private static ByteBuf direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown
    public void tearDown() {
        register.release();
        invite.release();
    }

    /** What the dispatcher does for a refused frame: classify, decide, write the 503 into a pooled buffer. */
    private int shed(ByteBuf message) {
        long classification = FirstLineClassifier.classify(message, message.readerIndex(), message.readableBytes());
        if (overloaded.inspect(classification, message, flow) != Verdict.REJECT) {
            throw new IllegalStateException("not shed");
        }
        ByteBuf answer = ByteBufAllocator.DEFAULT.ioBuffer(512);
        try {
            overloaded.writeRejection(message, answer);
            return answer.readableBytes();
        } finally {
            answer.release(); // the flow would release it after the write
        }
    }

    @Benchmark
    public int shedRegister() {
        return shed(register);
    }

    @Benchmark
    public SipMessage parseRegister() throws SipParseException {
        return parser.parse(register);
    }

    @Benchmark
    public int shedInviteWithSdp() {
        return shed(invite);
    }

    @Benchmark
    public SipMessage parseInviteWithSdp() throws SipParseException {
        return parser.parse(invite);
    }

    /** The valve's toll on every message while nothing is shed (classification included). */
    @Benchmark
    public Verdict admitRegisterWhenIdle() {
        long classification = FirstLineClassifier.classify(register, register.readerIndex(), register.readableBytes());
        return idle.inspect(classification, register, flow);
    }
}
