package org.sipcity.stack.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Framing throughput of a TCP stream of REGISTERs delivered in big reads, as after a mass re-registration.
 * One operation is one byte framed: the score in ops/us is MB/s (1000 ops/us = 1 GB/s). Goal: above 1 GB/s.
 *
 * <p>{@code oneRead} frames a 66 KiB read of whole messages; {@code cutReads} frames the same stream in reads of
 * {@value #CUT_READ} bytes that cut messages anywhere, on a cumulation buffer compacted between reads as Netty's
 * {@code ByteToMessageDecoder} does (the copy into the cumulation is included: it is what a stream costs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StreamFramerBenchmark {

    /** Whole REGISTERs in the read (66 KiB). */
    static final int MESSAGES = 130;
    /** Bytes framed per invocation: {@link #MESSAGES} REGISTERs; checked in {@link #setUp()}. */
    static final int STREAM_BYTES = MESSAGES * 521;
    static final int CUT_READ = 1460 * 4;

    private static final byte[] REGISTER = ascii("REGISTER sip:example.com SIP/2.0\r\n"
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
            + "User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)\r\n"
            + "Content-Length: 0\r\n\r\n");

    @Param({"direct", "heap"})
    public String buffer;

    private byte[] stream;
    private ByteBuf read;
    private ByteBuf cumulation;
    private final SipStreamFramer framer = new SipStreamFramer(FramingConfig.defaults());
    private final List<Object> out = new ArrayList<>(MESSAGES + 1);

    @Setup(Level.Trial)
    public void setUp() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < MESSAGES; i++) {
            bytes.writeBytes(REGISTER);
        }
        stream = bytes.toByteArray();
        if (stream.length != STREAM_BYTES) {
            throw new IllegalStateException("stream is " + stream.length + " bytes, STREAM_BYTES says " + STREAM_BYTES);
        }
        boolean direct = "direct".equals(buffer);
        read = allocate(direct, stream.length).writeBytes(stream);
        cumulation = allocate(direct, 2 * stream.length);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        read.release();
        cumulation.release();
    }

    @Benchmark
    @OperationsPerInvocation(STREAM_BYTES)
    public int oneRead() {
        read.readerIndex(0);
        framer.decode(read, out);
        return releaseAll();
    }

    @Benchmark
    @OperationsPerInvocation(STREAM_BYTES)
    public int cutReads() {
        int frames = 0;
        for (int from = 0; from < stream.length; from += CUT_READ) {
            cumulation.writeBytes(stream, from, Math.min(CUT_READ, stream.length - from));
            framer.decode(cumulation, out);
            frames += releaseAll();
            cumulation.discardSomeReadBytes();
        }
        return frames;
    }

    private int releaseAll() {
        int n = out.size();
        for (int i = 0; i < n; i++) {
            ((ByteBuf) out.get(i)).release();
        }
        out.clear();
        return n;
    }

    private static ByteBuf allocate(boolean direct, int capacity) {
        return direct ? PooledByteBufAllocator.DEFAULT.directBuffer(capacity)
                : PooledByteBufAllocator.DEFAULT.heapBuffer(capacity);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
