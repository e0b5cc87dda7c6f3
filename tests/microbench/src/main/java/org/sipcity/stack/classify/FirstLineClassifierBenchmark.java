package org.sipcity.stack.classify;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What the overload valve pays per message on the I/O thread: classifying a buffered message by its first line.
 * Goal: under 50 ns and 0 B/op (run with {@code -prof gc}). Direct buffers are what the epoll transport reads into;
 * arrays are the datagram path and heap cumulations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FirstLineClassifierBenchmark {

    /** A REGISTER as a softphone sends it: the common case for a registrar. */
    private static final byte[] REQUEST = ascii("REGISTER sip:example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.10:52811;branch=z9hG4bK-524287-1---77ba17085d60f141;rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "Contact: <sip:alice@192.0.2.10:52811;transport=tcp;ob>;reg-id=1\r\n"
            + "To: <sip:alice@example.com>\r\nFrom: <sip:alice@example.com>;tag=9fxced76sl\r\n"
            + "Call-ID: c3x842276298220188511\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n");

    /** An INVITE with a longer Request-URI, as a proxy sees them. */
    private static final byte[] INVITE = ascii("INVITE sip:+4930123456789@example.com;user=phone SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.10:52811;branch=z9hG4bK776asdhds\r\nContent-Length: 0\r\n\r\n");

    private static final byte[] RESPONSE = ascii("SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.10:52811;branch=z9hG4bK776asdhds;rport=52811;received=192.0.2.10\r\n"
            + "Content-Length: 0\r\n\r\n");

    // Instance copies, not the constants: JMH advice against the JIT folding what it can prove constant.
    private byte[] request;
    private byte[] invite;
    private byte[] response;
    private ByteBuf requestDirect;
    private ByteBuf inviteDirect;
    private ByteBuf responseDirect;

    @Setup(Level.Trial)
    public void setUp() {
        request = REQUEST.clone();
        invite = INVITE.clone();
        response = RESPONSE.clone();
        requestDirect = direct(REQUEST);
        inviteDirect = direct(INVITE);
        responseDirect = direct(RESPONSE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        requestDirect.release();
        inviteDirect.release();
        responseDirect.release();
    }

    @Benchmark
    public long registerArray() {
        return FirstLineClassifier.classify(request, 0, request.length);
    }

    @Benchmark
    public long inviteArray() {
        return FirstLineClassifier.classify(invite, 0, invite.length);
    }

    @Benchmark
    public long responseArray() {
        return FirstLineClassifier.classify(response, 0, response.length);
    }

    @Benchmark
    public long registerDirect() {
        return FirstLineClassifier.classify(requestDirect, requestDirect.readerIndex(), requestDirect.readableBytes());
    }

    @Benchmark
    public long inviteDirect() {
        return FirstLineClassifier.classify(inviteDirect, inviteDirect.readerIndex(), inviteDirect.readableBytes());
    }

    @Benchmark
    public long responseDirect() {
        return FirstLineClassifier.classify(responseDirect, responseDirect.readerIndex(), responseDirect.readableBytes());
    }

    private static ByteBuf direct(byte[] bytes) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
