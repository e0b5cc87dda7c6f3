package org.sipcity.stack.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import org.openjdk.jmh.infra.Blackhole;
import org.sipcity.microbench.SilentTcpFlow;
import org.sipcity.stack.SampleMessages;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.transport.Flow;

/**
 * What the message trace costs per message on the event loop, for a message that is not traced: off (the one
 * volatile read of the hot path), an address trace (a comparison of the flow's address), an AOR trace whose user part
 * the message does not contain (a byte scan of the message), and one whose user part it contains without naming
 * the AOR (the scan, then a parse to compare From, To and Request-URI). Against them, {@code traced}: a message the
 * AOR trace writes (parse and the text of the log entry; the entry goes to a sink that drops it).
 * A 560-byte REGISTER in a direct buffer, as the transport delivers it.
 *
 * <p>Run: {@code java -jar tests/microbench/target/benchmarks.jar MessageTrace -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MessageTraceBenchmark {

    static final String REGISTER = SampleMessages.OUTBOUND_REGISTER;

    private final Flow flow = new SilentTcpFlow();
    private MessageTrace off;
    private MessageTrace byAddress;
    private MessageTrace aorAbsent;
    private MessageTrace aorUserOnly;
    private MessageTrace aorTraced;
    private ByteBuf register;

    @Setup
    public void setUp() {
        SipMessageParser parser = new SipMessageParser();
        off = trace(parser, null);
        byAddress = trace(parser, TraceFilter.of("192.0.2.99", null));
        aorAbsent = trace(parser, TraceFilter.of(null, "sip:zoe@city.example.net"));
        // "alice" is in the message, but as alice@other.example.net nowhere: the scan passes, the parse says no.
        aorUserOnly = trace(parser, TraceFilter.of(null, "sip:alice@other.example.net"));
        aorTraced = trace(parser, TraceFilter.of(null, "sip:alice@city.example.net"));
        byte[] bytes = REGISTER.getBytes(StandardCharsets.US_ASCII);
        register = ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    private static MessageTrace trace(SipMessageParser parser, TraceFilter filter) {
        MessageTrace trace = new MessageTrace(parser);
        trace.sinkForTests(entry -> { });
        trace.filter(filter);
        return trace;
    }

    @TearDown
    public void tearDown() {
        register.release();
    }

    /** The hot path while tracing is off, as the dispatcher runs it. */
    @Benchmark
    public void off(Blackhole hole) {
        TraceFilter filter = off.filter();
        if (filter != null) {
            off.received(filter, flow, register);
        }
        hole.consume(filter);
    }

    @Benchmark
    public void addressNotMatching() {
        byAddress.received(byAddress.filter(), flow, register);
    }

    @Benchmark
    public void aorUserAbsent() {
        aorAbsent.received(aorAbsent.filter(), flow, register);
    }

    @Benchmark
    public void aorUserPresentNotMatching() {
        aorUserOnly.received(aorUserOnly.filter(), flow, register);
    }

    @Benchmark
    public void traced() {
        aorTraced.received(aorTraced.filter(), flow, register);
    }
}
