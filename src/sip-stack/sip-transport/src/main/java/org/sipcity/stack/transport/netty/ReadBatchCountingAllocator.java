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

    /** One channel's handle; used only on that channel's event loop. */
    static final class CountingHandle implements ExtendedHandle {
        private final ExtendedHandle delegate;
        private final ReadSaturationMeter meter;
        private ChannelConfig config;
        private long batchStart;
        private boolean cutOff;

        CountingHandle(ExtendedHandle delegate, ReadSaturationMeter meter) {
            this.delegate = delegate;
            this.meter = meter;
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
            meter.batchEnded(batchStart, meter.nanoTime(), cutOff);
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
