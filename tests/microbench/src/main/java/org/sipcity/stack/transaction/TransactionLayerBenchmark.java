package org.sipcity.stack.transaction;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.timer.WheelTimer;

/**
 * The transaction layer's own cost per transaction on persistent TCP, the registrar's common case:
 * matching, table insert and removal, the state machine, and arming and cancelling its timers on
 * the real wheel. Messages are parsed once in setup; the channel discards what it is given.
 *
 * <ul>
 *   <li>{@code serverRegister}: a REGISTER arrives, the TU answers 200 at once, the transaction ends (Timer J = 0).</li>
 *   <li>{@code clientOptions}: the TU sends an OPTIONS, its 200 arrives, the transaction ends (Timer K = 0).</li>
 *   <li>{@code absorbRetransmission}: a retransmitted request hits a live transaction, which resends its response.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar tests/microbench/target/benchmarks.jar TransactionLayer -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransactionLayerBenchmark {

    private static final String REGISTER = String.join("\r\n",
            "REGISTER sip:registrar.city.example.net SIP/2.0",
            "Via: SIP/2.0/TCP 192.0.2.41:50412;rport;branch=z9hG4bK-524287-1---a3e1f7c5d2b4",
            "Max-Forwards: 70",
            "Contact: <sip:alice@192.0.2.41:50412;transport=tcp;ob>;reg-id=1",
            "To: <sip:alice@city.example.net>",
            "From: <sip:alice@city.example.net>;tag=7c1d2e9a",
            "Call-ID: 5f0e8c1b2a3d4e5f6a7b8c9d0e1f2a3b",
            "CSeq: 2 REGISTER",
            "Expires: 3600",
            "Content-Length: 0",
            "", "");

    private static final String OPTIONS = String.join("\r\n",
            "OPTIONS sip:alice@192.0.2.41:50412;transport=tcp SIP/2.0",
            "Via: SIP/2.0/TCP registrar.city.example.net;branch=z9hG4bKbench0001",
            "Max-Forwards: 70",
            "To: <sip:alice@city.example.net>",
            "From: <sip:registrar.city.example.net>;tag=99aa",
            "Call-ID: opt-1@registrar.city.example.net",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
            "", "");

    private WheelTimer timer;
    private TransactionLayer layer;
    private TransactionLayer absorbingLayer;
    private SipRequest register;
    private SipRequest registerRetransmission;
    private SipRequest options;
    private SipResponse optionsOk;
    private final TransactionChannel tcp = new TransactionChannel() {
        @Override
        public boolean isReliable() {
            return true;
        }

        @Override
        public void send(SipMessage message, SendFailureListener onFailure) {
        }
    };

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SipMessageParser parser = new SipMessageParser();
        register = (SipRequest) parse(parser, REGISTER);
        registerRetransmission = (SipRequest) parse(parser, REGISTER);
        options = (SipRequest) parse(parser, OPTIONS);
        SipResponse registerOk = register.createResponse(200, "OK");
        optionsOk = options.createResponse(200, "OK");
        // Read once, as the transport's first look at a message does.
        register.getTopVia();
        options.getTopVia();
        registerRetransmission.getTopVia();

        timer = new WheelTimer();
        layer = new TransactionLayer(TransactionConfig.defaults(), timer, new AnsweringUser(registerOk));
        // A second layer whose TU answers only provisionally: its REGISTER transaction stays live.
        absorbingLayer = new TransactionLayer(TransactionConfig.defaults(), timer,
                new AnsweringUser(register.createResponse(100, "Trying")));
        absorbingLayer.requestReceived(register, tcp);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        timer.close();
    }

    private static SipMessage parse(SipMessageParser parser, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return parser.parse(bytes, 0, bytes.length);
    }

    @Benchmark
    public RequestDisposition serverRegister() {
        return layer.requestReceived(register, tcp);
    }

    @Benchmark
    public ClientTransaction clientOptions() {
        ClientTransaction tx = layer.sendRequest(options, tcp);
        layer.responseReceived(optionsOk, tcp);
        return tx;
    }

    @Benchmark
    public RequestDisposition absorbRetransmission() {
        return absorbingLayer.requestReceived(registerRetransmission, tcp);
    }

    /** Answers every new request at once with a prepared response. */
    private record AnsweringUser(SipResponse answer) implements IgnoringTransactionUser {
        @Override
        public void requestReceived(ServerTransaction transaction, SipRequest request) {
            transaction.sendResponse(answer);
        }
    }
}
