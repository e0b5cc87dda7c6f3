package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipcity.stack.framing.FramingError;

/**
 * Messages other threads send on a stream (the workers' responses): every one reaches the peer, over TLS while
 * requests keep coming, and over TCP when the flow is closed right after them.
 */
class CrossThreadSendTest {

    private static final int RESPONSES = 10;

    @TempDir
    static Path keys;
    private static SSLContext tls;

    private final FlowRecorder core = new FlowRecorder();
    private SipTransports transports;
    private EventLoopGroup clientLoop;

    /** Records the flow of every message and answers nothing: the test sends from its own thread. */
    private static final class FlowRecorder implements InboundHandler {
        final BlockingQueue<Flow> flows = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(Flow flow, ByteBuf message) {
            message.release();
            flows.add(flow);
        }

        @Override
        public void onFramingError(Flow flow, FramingError error) {
        }
    }

    @BeforeAll
    static void makeCertificate() throws Exception {
        tls = TestCertificates.selfSignedContext(keys);
    }

    @AfterEach
    void stop() {
        if (clientLoop != null) {
            clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (transports != null) {
            transports.close();
        }
    }

    private SipConnector start(TransportType transport) throws IOException {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(), core);
        SipConnectorConfig.Builder config = SipConnectorConfig.builder("flush-" + transport, transport)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        if (transport == TransportType.TLS) {
            config.sslContext(tls);
        }
        return transports.start(config.build());
    }

    @Test
    void everyAnswerFromWorkerThreadsArrivesWhileRequestsKeepComing() throws Exception {
        int requests = 20_000;
        java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(2);
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(), new InboundHandler() {
            @Override
            public void onMessage(Flow flow, ByteBuf message) {
                String text = message.toString(StandardCharsets.US_ASCII);
                message.release();
                String cseq = text.substring(text.indexOf("CSeq:"), text.indexOf("\r\n", text.indexOf("CSeq:")));
                workers.execute(() -> flow.send(EchoHandler.ascii("SIP/2.0 200 OK\r\n" + cseq
                        + "\r\nContent-Length: 0\r\n\r\n")));
            }

            @Override
            public void onFramingError(Flow flow, FramingError error) {
            }
        });
        SipConnector connector = transports.start(SipConnectorConfig.builder("flush-stress", TransportType.TLS)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sslContext(tls).build());
        AtomicInteger answers = new AtomicInteger();
        clientLoop = new NioEventLoopGroup(1);
        try {
            Channel client = new Bootstrap().group(clientLoop).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            SSLEngine engine = tls.createSSLEngine("127.0.0.1", connector.localAddress().getPort());
                            engine.setUseClientMode(true);
                            ch.pipeline().addLast(new SslHandler(engine), new ChannelInboundHandlerAdapter() {
                                private int matched; // of the "\r\n\r\n" ending each answer

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf bytes = (ByteBuf) msg;
                                    for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
                                        byte b = bytes.getByte(i);
                                        matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
                                        if (matched == 4) {
                                            matched = 0;
                                            answers.incrementAndGet();
                                        }
                                    }
                                    bytes.release();
                                }
                            });
                        }
                    })
                    .connect(connector.localAddress()).sync().channel();
            StringBuilder burst = new StringBuilder();
            for (int n = 1; n <= requests; n++) {
                burst.append(Messages.request(n, "TLS"));
                if (n % 50 == 0) {
                    client.writeAndFlush(EchoHandler.ascii(burst.toString())).sync();
                    burst.setLength(0);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (answers.get() < requests && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(answers.get()).as("answers received").isEqualTo(requests);
            client.close().sync();
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void aLoneAnswerIsFlushedAndALongRunArrivesWholeAndInOrder() throws Exception {
        // Only the last write of a run queued on the event loop flushes: a lone one must not wait for a next one,
        // and a run longer than the forced-flush count must lose nothing.
        SipConnector connector = start(TransportType.TCP);
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(1, "TCP"));
            Flow flow = core.flows.poll(10, TimeUnit.SECONDS);
            assertThat(flow).isNotNull();

            assertThat(flow.send(EchoHandler.ascii("SIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")))
                    .isTrue();
            assertThat(client.readHead()).as("read within the client's timeout, with nothing sent after it")
                    .contains("CSeq: 1 OPTIONS");

            int run = 1_000;
            for (int n = 2; n <= run; n++) {
                assertThat(flow.send(EchoHandler.ascii("SIP/2.0 200 OK\r\nCSeq: " + n
                        + " OPTIONS\r\nContent-Length: 0\r\n\r\n"))).isTrue();
            }
            for (int n = 2; n <= run; n++) {
                assertThat(client.readHead()).contains("CSeq: " + n + " OPTIONS");
            }
        }
    }

    /**
     * A message another thread handed to the flow before the event loop sends one itself leaves first. The loop writes
     * its own messages at once, while a handed-over write waits in the loop's task queue until the loop is done with
     * its reads: without care the loop's message overtakes it. Seen through the proxy: the INVITE's 100 Trying, sent by
     * the timer thread, reached the caller after the 200 the loop relayed, and SIPp dropped the call.
     */
    @Test
    void aMessageTheLoopSendsDoesNotOvertakeOneHandedOverBeforeIt() throws Exception {
        transports = new SipTransports(SipTransportsConfig.builder().eventLoopThreads(1).build(), new InboundHandler() {
            @Override
            public void onMessage(Flow flow, ByteBuf message) {
                message.release();
                // On the loop: another thread sends first (its write is queued for this loop), then the loop sends.
                Thread other = new Thread(() -> flow.send(EchoHandler.ascii(
                        "SIP/2.0 100 Trying\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")));
                other.start();
                try {
                    other.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                flow.send(EchoHandler.ascii("SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"));
            }

            @Override
            public void onFramingError(Flow flow, FramingError error) {
            }
        });
        SipConnector connector = transports.start(SipConnectorConfig.builder("order", TransportType.TCP)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(1, "TCP"));

            assertThat(client.readHead()).as("sent first, by the other thread").startsWith("SIP/2.0 100 Trying");
            assertThat(client.readHead()).as("sent second, by the loop").startsWith("SIP/2.0 200 OK");
        }
    }

    @Test
    void aMessageSentRightBeforeACloseStillLeaves() throws Exception {
        SipConnector connector = start(TransportType.TCP);
        try (StreamClient client = StreamClient.tcp(connector.localAddress())) {
            client.write(Messages.request(1, "TCP"));
            Flow flow = core.flows.poll(10, TimeUnit.SECONDS);
            assertThat(flow).isNotNull();
            for (int n = 1; n <= RESPONSES; n++) {
                flow.send(EchoHandler.ascii("SIP/2.0 200 OK\r\nCSeq: " + n + " OPTIONS\r\nContent-Length: 0\r\n\r\n"));
            }
            flow.close();

            for (int n = 1; n <= RESPONSES; n++) {
                assertThat(client.readHead()).contains("CSeq: " + n + " OPTIONS");
            }
            assertThat(client.closedByPeer()).isTrue();
        }
    }
}
