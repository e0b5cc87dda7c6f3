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
 * For datagram sockets: a receive allocator that leaves every decision to the one it wraps and tells the {@link
 * ReadSaturationMeter}, once per read batch ({@code reset} … {@code readComplete}), how long the batch took, never
 * that it was cut off. Over UDP the kernel drops the excess of a full receive buffer at no cost to the server, while
 * reading it only to answer 503 costs the loop the time it lacks. Measured on one core (2026-11-26,
 * {@code tests/bench/overload.sh}): with UDP batches judged at the 16-datagram {@code recvmmsg} cap, the cap was
 * reached at capacity often enough to shed 37% of what the server could serve, and at 2-4x the valve held goodput at
 * 57-15% of capacity, against 110-82% with the kernel dropping. Over TCP nothing drops and the excess is served
 * stale: stream connections are judged by their own handle ({@link CompactReceiveAllocator}), and held 97-102%.
 * One handle per listening socket, so the wrapper costs nothing per peer.
 */
public final class ReadBatchCountingAllocator implements MaxMessagesRecvByteBufAllocator {

    private final MaxMessagesRecvByteBufAllocator delegate;
    private final ReadSaturationMeter meter;

    public ReadBatchCountingAllocator(MaxMessagesRecvByteBufAllocator delegate, ReadSaturationMeter meter) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.meter = Objects.requireNonNull(meter, "meter");
    }

    @Override
    public Handle newHandle() {
        return new CountingHandle((ExtendedHandle) delegate.newHandle(), meter);
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

    /** One socket's handle; used only on that socket's event loop. */
    static final class CountingHandle implements ExtendedHandle {
        private final ExtendedHandle delegate;
        private final ReadSaturationMeter meter;
        private long batchStart;

        CountingHandle(ExtendedHandle delegate, ReadSaturationMeter meter) {
            this.delegate = delegate;
            this.meter = meter;
        }

        @Override
        public void reset(ChannelConfig config) {
            batchStart = meter.nanoTime();
            delegate.reset(config);
        }

        @Override
        public void readComplete() {
            delegate.readComplete();
            meter.batchEnded(batchStart, meter.nanoTime(), false);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return delegate.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public boolean continueReading() {
            return delegate.continueReading();
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
