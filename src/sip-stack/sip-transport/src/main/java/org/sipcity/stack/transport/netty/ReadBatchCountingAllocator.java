package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.Objects;
import org.sipcity.stack.transport.ReadSaturationMeter;

/**
 * A receive allocator that leaves every decision to the one it wraps and tells the {@link ReadSaturationMeter}, once
 * per read batch, how long the batch took and whether it was cut off with data still waiting.
 *
 * <p>Netty's read loop ({@code epollInReady}, NIO's {@code read}) calls {@code reset} before a batch, then reads while
 * {@code continueReading(maybeMoreData)} says so, then {@code readComplete}. A batch is cut off when the last
 * {@code continueReading} said no although {@code maybeMoreData} said yes (the last read filled its buffer; for UDP
 * any read that returned datagrams) and reading was still on: that is the message cap. A batch that ends on an empty
 * or short read drained its socket; one that ends with {@code autoRead} off was paused by back-pressure.
 */
public final class ReadBatchCountingAllocator implements MaxMessagesRecvByteBufAllocator {

    private final MaxMessagesRecvByteBufAllocator delegate;
    private final ReadSaturationMeter meter;
    private final boolean judgesCutOff;

    public ReadBatchCountingAllocator(MaxMessagesRecvByteBufAllocator delegate, ReadSaturationMeter meter) {
        this(delegate, meter, true);
    }

    private ReadBatchCountingAllocator(MaxMessagesRecvByteBufAllocator delegate, ReadSaturationMeter meter,
            boolean judgesCutOff) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.meter = Objects.requireNonNull(meter, "meter");
        this.judgesCutOff = judgesCutOff;
    }

    /**
     * Counts every batch's time (read busy) but never a batch as cut off, for datagram sockets: over UDP the kernel
     * drops the excess of a full receive buffer at no cost to the server, while reading it only to answer 503 costs
     * the loop the time it lacks. Measured on one core (2026-11-26, `tests/bench/overload.sh`): with UDP batches
     * judged, the 16-datagram cap was reached often enough at capacity to shed 37% of what the server could serve,
     * and at 2-4x the valve cut goodput to 57-15% of capacity, against 110-82% with the kernel dropping. Over TCP
     * nothing drops, the excess waits in the connection and is served stale, and the same signal held 97-102%.
     */
    public static ReadBatchCountingAllocator busyOnly(MaxMessagesRecvByteBufAllocator delegate,
            ReadSaturationMeter meter) {
        return new ReadBatchCountingAllocator(delegate, meter, false);
    }

    @Override
    public Handle newHandle() {
        return new CountingHandle((ExtendedHandle) delegate.newHandle(), meter, judgesCutOff);
    }

    @Override
    public int maxMessagesPerRead() {
        return delegate.maxMessagesPerRead();
    }

    @Override
    public MaxMessagesRecvByteBufAllocator maxMessagesPerRead(int maxMessagesPerRead) {
        delegate.maxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    /** One channel's handle; used only on that channel's event loop. */
    static final class CountingHandle implements ExtendedHandle {
        private final ExtendedHandle delegate;
        private final ReadSaturationMeter meter;
        private final boolean judgesCutOff;
        private ChannelConfig config;
        private long batchStart;
        private boolean cutOff;

        CountingHandle(ExtendedHandle delegate, ReadSaturationMeter meter, boolean judgesCutOff) {
            this.delegate = delegate;
            this.meter = meter;
            this.judgesCutOff = judgesCutOff;
        }

        @Override
        public void reset(ChannelConfig config) {
            this.config = config;
            cutOff = false;
            batchStart = meter.nanoTime();
            delegate.reset(config);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            boolean more = delegate.continueReading(maybeMoreDataSupplier);
            cutOff = !more && config.isAutoRead() && maybeMoreDataSupplier.get();
            return more;
        }

        @Override
        public boolean continueReading() {
            boolean more = delegate.continueReading();
            // Netty's own default: more data may wait when the last read filled what it attempted.
            cutOff = !more && config.isAutoRead() && delegate.lastBytesRead() > 0
                    && delegate.lastBytesRead() == delegate.attemptedBytesRead();
            return more;
        }

        @Override
        public void readComplete() {
            delegate.readComplete();
            meter.batchEnded(batchStart, meter.nanoTime(), judgesCutOff && cutOff);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return delegate.allocate(alloc);
        }

        @Override
        public int guess() {
            return delegate.guess();
        }

        @Override
        public void incMessagesRead(int numMessages) {
            delegate.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            delegate.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return delegate.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            delegate.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return delegate.attemptedBytesRead();
        }
    }
}
