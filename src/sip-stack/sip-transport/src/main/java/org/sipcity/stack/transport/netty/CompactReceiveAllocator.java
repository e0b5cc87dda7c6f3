package org.sipcity.stack.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.ArrayList;
import java.util.List;
import org.sipcity.stack.transport.ReadSaturationMeter;

/**
 * The receive-size guess of Netty's {@link AdaptiveRecvByteBufAllocator} (same size table, same steps: up four
 * sizes when a read fills its buffer, down one after two reads in a row that would have fit the next size down),
 * with one handle object of 40 bytes per connection where Netty's takes 96 bytes in two objects (its handle copies the
 * bounds into every connection as ints and carries a lambda of its own).
 *
 * <p>A connection keeps its handle for life, idle or not, and a city's server holds hundreds of thousands of idle
 * connections: the bounds live here, once per connector, and a connection keeps only the index of its current guess
 * and the counters of the read batch in progress. The guess stays per connection on purpose: a phone's occasional
 * 600-byte REGISTER gets a buffer near that size even when another connection of the same event loop streams at
 * 64 KiB per read, and what it hands up (a slice of that buffer) pins no more than it needs while it waits for a
 * worker.
 *
 * <p>Given a {@link ReadSaturationMeter}, each read batch is also counted for the overload valve (its time, and
 * whether it stopped at the cap with data still waiting), as {@link ReadBatchCountingAllocator} does for datagram
 * sockets, but with no object and no field more per connection: the batch's start is kept per event loop. A batch
 * counts as cut off only when its last read filled a buffer of the largest size: a connection had more waiting than
 * the loop takes from it in one read (64 KiB, about 150 REGISTERs), not merely more than the current guess.
 */
public final class CompactReceiveAllocator implements MaxMessagesRecvByteBufAllocator {

    /** Netty's adaptive size table: 16 to 496 in steps of 16, then powers of two from 512. */
    private static final int[] SIZES;
    private static final int INDEX_INCREMENT = 4;
    private static final int INDEX_DECREMENT = 1;

    static {
        List<Integer> sizes = new ArrayList<>();
        for (int size = 16; size < 512; size += 16) {
            sizes.add(size);
        }
        for (int size = 512; size > 0; size <<= 1) {
            sizes.add(size);
        }
        SIZES = sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private final int minIndex;
    private final int maxIndex;
    private final int initialIndex;
    /** Where read batches are counted; {@code null}: not counted. */
    private final ReadSaturationMeter readSaturation;
    /** Reads per batch; 1 as with Netty's {@link AdaptiveRecvByteBufAllocator} when given as a channel option. */
    private volatile int maxMessagesPerRead = 1;

    /**
     * @param minimum the smallest buffer a read gets (rounded up to a size of the table)
     * @param initial the first guess of a new connection (rounded down)
     * @param maximum the largest buffer a read gets (rounded down)
     */
    public CompactReceiveAllocator(int minimum, int initial, int maximum) {
        this(minimum, initial, maximum, null);
    }

    /** The same, every read batch counted in {@code readSaturation} (may be {@code null}: not counted). */
    public CompactReceiveAllocator(int minimum, int initial, int maximum, ReadSaturationMeter readSaturation) {
        this.readSaturation = readSaturation;
        if (minimum <= 0 || initial < minimum || maximum < initial) {
            throw new IllegalArgumentException("need 0 < minimum <= initial <= maximum: " + minimum + ", " + initial
                    + ", " + maximum);
        }
        minIndex = indexAtLeast(minimum);
        maxIndex = indexAtMost(maximum);
        initialIndex = Math.max(minIndex, indexAtMost(initial));
        if (maxIndex > Byte.MAX_VALUE) {
            throw new IllegalStateException("size table too long for a byte index");
        }
    }

    private static int indexAtLeast(int size) {
        int i = 0;
        while (i < SIZES.length - 1 && SIZES[i] < size) {
            i++;
        }
        return i;
    }

    private static int indexAtMost(int size) {
        int i = SIZES.length - 1;
        while (i > 0 && SIZES[i] > size) {
            i--;
        }
        return i;
    }

    @Override
    public Handle newHandle() {
        return new CompactHandle(this);
    }

    @Override
    public int maxMessagesPerRead() {
        return maxMessagesPerRead;
    }

    @Override
    public CompactReceiveAllocator maxMessagesPerRead(int maxMessagesPerRead) {
        if (maxMessagesPerRead <= 0) {
            throw new IllegalArgumentException("maxMessagesPerRead: " + maxMessagesPerRead);
        }
        this.maxMessagesPerRead = maxMessagesPerRead;
        return this;
    }

    /**
     * One connection's guess and the counters of its read batch in progress; used by that connection's event loop
     * only. The read loop contract is Netty's: {@code reset}, then per read {@code allocate}, {@code
     * attemptedBytesRead}, {@code lastBytesRead}, {@code incMessagesRead}, {@code continueReading}, and {@code
     * readComplete} at the end.
     */
    static final class CompactHandle implements RecvByteBufAllocator.ExtendedHandle {

        private final CompactReceiveAllocator allocator;
        /** Read while a batch runs, for {@code isAutoRead}: back-pressure may turn reading off mid-batch. */
        private ChannelConfig config;
        private int totalBytesRead;
        private int attemptedBytesRead;
        private int lastBytesRead;
        private short totalMessages;
        private byte index;
        private boolean decreaseNow;
        /** The batch stopped at the cap with reading on and more maybe waiting (fits the object's padding). */
        private boolean cutOff;

        CompactHandle(CompactReceiveAllocator allocator) {
            this.allocator = allocator;
            this.index = (byte) allocator.initialIndex;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return SIZES[index];
        }

        @Override
        public void reset(ChannelConfig config) {
            this.config = config;
            totalMessages = 0;
            totalBytesRead = 0;
            cutOff = false;
            if (allocator.readSaturation != null) {
                allocator.readSaturation.batchStarted();
            }
        }

        @Override
        public void incMessagesRead(int numMessages) {
            totalMessages = (short) Math.min(Short.MAX_VALUE, totalMessages + numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            // A read that filled its buffer may mean much more is waiting: grow at once, not only at the batch's end.
            if (bytes == attemptedBytesRead) {
                record(bytes);
            }
            lastBytesRead = bytes;
            if (bytes > 0) {
                totalBytesRead += bytes;
            }
        }

        @Override
        public int lastBytesRead() {
            return lastBytesRead;
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            attemptedBytesRead = bytes;
        }

        @Override
        public int attemptedBytesRead() {
            return attemptedBytesRead;
        }

        /** Without a hint from the transport: more may be waiting when the last read filled its buffer. */
        @Override
        public boolean continueReading() {
            return continueReading(attemptedBytesRead == lastBytesRead);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return continueReading(maybeMoreDataSupplier.get());
        }

        private boolean continueReading(boolean maybeMoreData) {
            boolean more = config.isAutoRead() && maybeMoreData && totalMessages < allocator.maxMessagesPerRead
                    && totalBytesRead > 0;
            // Behind only if the read that filled its buffer was as large as a read gets: a smaller one filled means the
            // guess was low (it grows at once), which a loop that keeps up meets all the time as its guesses follow
            // the traffic (measured: 51% "saturated" at 11,000-13,600/s over TCP on a server that served 13,500/s).
            cutOff = !more && maybeMoreData && config.isAutoRead() && attemptedBytesRead >= SIZES[allocator.maxIndex];
            return more;
        }

        @Override
        public void readComplete() {
            record(totalBytesRead < 0 ? Integer.MAX_VALUE : totalBytesRead);
            if (allocator.readSaturation != null) {
                allocator.readSaturation.batchEnded(cutOff);
            }
        }

        private void record(int actualReadBytes) {
            if (actualReadBytes <= SIZES[Math.max(0, index - INDEX_DECREMENT)]) {
                if (decreaseNow) {
                    index = (byte) Math.max(index - INDEX_DECREMENT, allocator.minIndex);
                    decreaseNow = false;
                } else {
                    decreaseNow = true;
                }
            } else if (actualReadBytes >= SIZES[index]) {
                index = (byte) Math.min(index + INDEX_INCREMENT, allocator.maxIndex);
                decreaseNow = false;
            }
        }
    }
}
