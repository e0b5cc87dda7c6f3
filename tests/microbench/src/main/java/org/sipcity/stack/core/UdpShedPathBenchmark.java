package org.sipcity.stack.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sipcity.stack.SampleMessages;
import org.sipcity.stack.overload.LoadSignals;
import org.sipcity.stack.overload.OverloadSettings;
import org.sipcity.stack.overload.SojournTimeValve;
import org.sipcity.stack.parser.ParserConfig;
import org.sipcity.stack.parser.SipMessageParser;
import org.sipcity.stack.timer.WheelTimer;
import org.sipcity.stack.transaction.IgnoringTransactionUser;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transaction.TransactionLayer;
import org.sipcity.stack.transport.FlowTable;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportMetrics;
import org.sipcity.stack.transport.TransportType;
import org.sipcity.stack.transport.netty.ConnectorRuntime;
import org.sipcity.stack.transport.netty.DatagramFlows;
import org.sipcity.stack.transport.netty.DatagramHandler;

/**
 * One shed REGISTER over UDP through everything of ours and Netty's between the socket and the kernel: the
 * connector's {@link DatagramHandler} (flow lookup, metrics, the copy out of the read batch), the stack's
 * {@link InboundDispatcher} with a valve that sheds all new work (classification, head scan, the 503 into a pooled
 * buffer, counters, the trace check) and the write of the answer through the channel's pipeline, flushed at the end
 * of the read as the transport does. No socket: an {@link EmbeddedChannel} stands for the epoll channel, so what this
 * costs against the server's CPU per shed REGISTER is the share of our code and Netty's; the rest is the kernel's
 * (recvmmsg, sendmmsg, loopback delivery) and the event loop's wake-ups.
 *
 * <p>Each datagram arrives as epoll's {@code recvmmsg} delivers it: a retained slice of one pooled buffer of 16
 * slots of 64 KiB, in a {@link DatagramPacket} with the sender's address. {@code dropOnUdp}: the valve drops the
 * request silently instead of answering it. Each datagram is one read batch: its 503 leaves with the flush at the
 * batch's end, one {@code sendmmsg} of one datagram in the real socket, the worst case of the transport's batching.
 *
 * <p>Run: {@code java -jar tests/microbench/target/benchmarks.jar UdpShedPath -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UdpShedPathBenchmark {

    private static final int SLOT = 65536;
    private static final int SLOTS = 16;

    /** Constant load: a worker queue whose oldest task waited 5 s, so that all new work is shed. */
    private record Overloaded() implements LoadSignals {
        @Override
        public long oldestWaitNanos() {
            return 5_000_000_000L;
        }

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

    @Param({"false", "true"})
    public boolean dropOnUdp;

    private final InetSocketAddress local = new InetSocketAddress("127.0.0.1", 5060);
    private final InetSocketAddress sender = new InetSocketAddress("127.0.0.2", 5070);
    private WheelTimer timer;
    private SojournTimeValve valve;
    private EmbeddedChannel channel;
    private ByteBuf readBatch;
    private int slot;
    private int length;

    @Setup(Level.Trial)
    public void setUp() {
        valve = new SojournTimeValve(OverloadSettings.defaults().toBuilder().dropOnUdp(dropOnUdp)
                .admission(org.sipcity.stack.overload.Admission.LOSS).build(), new Overloaded()); // every new request shed
        for (int i = 0; i < 50; i++) {
            valve.evaluate();
        }
        if (valve.figures().newWorkLoss() < 1) {
            throw new IllegalStateException("the valve should shed all new work");
        }
        timer = new WheelTimer();
        SipMessageParser parser = new SipMessageParser(ParserConfig.defaults());
        TransactionLayer transactions = new TransactionLayer(TransactionConfig.defaults(), timer,
                (IgnoringTransactionUser) (request, channel) -> {
                    throw new IllegalStateException("a shed request reached the transaction user");
                });
        InboundDispatcher dispatcher = new InboundDispatcher(parser, transactions, new StackCounters(), valve,
                new MessageTrace(parser));
        ConnectorRuntime runtime = new ConnectorRuntime(SipConnectorConfig.builder("udp", TransportType.UDP).build(),
                new TransportMetrics(), new FlowTable(), dispatcher);
        channel = new EmbeddedChannel(new DatagramHandler(runtime, new DatagramFlows(runtime)));
        byte[] register = SampleMessages.OUTBOUND_REGISTER.getBytes(StandardCharsets.US_ASCII);
        length = register.length;
        readBatch = PooledByteBufAllocator.DEFAULT.directBuffer(SLOT * SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            readBatch.setBytes(i * SLOT, register);
        }
        readBatch.writerIndex(SLOT * SLOTS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        readBatch.release();
        timer.close();
    }

    /** One datagram in; what the pipeline let out (its 503, or nothing) is taken and released. Returns its bytes. */
    @Benchmark
    public int shedOneDatagram() {
        slot = (slot + 1) % SLOTS;
        channel.writeInbound(new DatagramPacket(readBatch.retainedSlice(slot * SLOT, length), local, sender));
        int written = 0;
        for (DatagramPacket answer; (answer = channel.readOutbound()) != null; ) {
            written += answer.content().readableBytes();
            answer.release();
        }
        return written;
    }
}
