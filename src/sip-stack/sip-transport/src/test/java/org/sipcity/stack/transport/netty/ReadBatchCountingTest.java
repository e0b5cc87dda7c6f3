package org.sipcity.stack.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.transport.ReadSaturationMeter;

/**
 * Read batches counted for the overload valve, the handles driven the way Netty's epoll read loops drive them (reset,
 * reads, {@code continueReading}, {@code readComplete}) on a fake clock. A stream connection's handle ({@link
 * CompactReceiveAllocator}): a batch that stops at the message cap after full reads is saturated, one that drains its
 * socket is not, one stopped by back-pressure ({@code autoRead} off) is not. A datagram socket's ({@link
 * ReadBatchCountingAllocator}): read time only, never saturated.
 */
class ReadBatchCountingTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ReadSaturationMeter meter = new ReadSaturationMeter(clock::get);
    private final EmbeddedChannel channel = new EmbeddedChannel();

    private RecvByteBufAllocator.ExtendedHandle streamHandle() {
        CompactReceiveAllocator compact = new CompactReceiveAllocator(64, 2048, 65536, meter);
        compact.maxMessagesPerRead(16);
        return (RecvByteBufAllocator.ExtendedHandle) compact.newHandle();
    }

    /** One epoll stream batch: reads that fill their buffer (true) or half of it, 1 ms each, at most 16. */
    private void streamBatch(RecvByteBufAllocator.ExtendedHandle handle, boolean... fullReads) {
        handle.reset(channel.config());
        for (boolean full : fullReads) {
            ByteBuf buffer = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
            handle.attemptedBytesRead(buffer.writableBytes());
            handle.lastBytesRead(full ? buffer.writableBytes() : buffer.writableBytes() / 2);
            buffer.release();
            handle.incMessagesRead(1);
            clock.addAndGet(1_000_000);
            // EpollRecvByteAllocatorStreamingHandle: more may wait when the read filled its buffer.
            UncheckedBooleanSupplier maybeMore = () -> handle.lastBytesRead() == handle.attemptedBytesRead();
            if (!handle.continueReading(maybeMore)) {
                break;
            }
        }
        handle.readComplete();
    }

    private ReadSaturationMeter.LoopReads reads() {
        assertThat(meter.loops()).hasSize(1);
        return meter.loops().get(0);
    }

    @Test
    void aBatchCutOffAtTheMessageCapWithFullReadsIsSaturated() {
        RecvByteBufAllocator.ExtendedHandle handle = streamHandle();
        boolean[] sixteenFull = new boolean[16];
        java.util.Arrays.fill(sixteenFull, true);

        streamBatch(handle, sixteenFull);

        assertThat(reads().batches()).isEqualTo(1);
        assertThat(reads().saturatedBatches()).isEqualTo(1);
        assertThat(reads().saturatedNanos()).isEqualTo(16_000_000);
        assertThat(reads().busyNanos()).isEqualTo(16_000_000);
    }

    @Test
    void aFullReadBelowTheLargestBufferIsALowGuessNotALoopBehind() {
        CompactReceiveAllocator compact = new CompactReceiveAllocator(64, 2048, 65536, meter); // one read per batch
        RecvByteBufAllocator.ExtendedHandle handle = (RecvByteBufAllocator.ExtendedHandle) compact.newHandle();

        streamBatch(handle, true); // 2 KiB filled: the guess grows to 32 KiB
        streamBatch(handle, true); // 32 KiB filled: to 64 KiB
        assertThat(reads().saturatedBatches()).as("guesses below 64 KiB").isZero();

        streamBatch(handle, true); // 64 KiB filled: more waited than the loop takes in one read
        assertThat(reads().batches()).isEqualTo(3);
        assertThat(reads().saturatedBatches()).isEqualTo(1);
        assertThat(reads().saturatedNanos()).isEqualTo(1_000_000);
    }

    @Test
    void aBatchEndingOnAShortReadDrainedItsSocket() {
        RecvByteBufAllocator.ExtendedHandle handle = streamHandle();

        streamBatch(handle, true, true, false);

        assertThat(reads().batches()).isEqualTo(1);
        assertThat(reads().saturatedBatches()).isZero();
        assertThat(reads().busyNanos()).isEqualTo(3_000_000);
        assertThat(reads().saturatedNanos()).isZero();
    }

    @Test
    void aBatchStoppedByBackPressureIsNotSaturated() {
        RecvByteBufAllocator.ExtendedHandle handle = streamHandle();
        handle.reset(channel.config());
        handle.attemptedBytesRead(2048);
        handle.lastBytesRead(2048);
        handle.incMessagesRead(1);
        channel.config().setAutoRead(false); // the flow handler paused reading: its peer does not read its answers

        assertThat(handle.continueReading(() -> true)).isFalse();
        handle.readComplete();

        assertThat(reads().batches()).isEqualTo(1);
        assertThat(reads().saturatedBatches()).isZero();
    }

    @Test
    void aDatagramSocketsBatchAtTheCapCountsAsReadTimeButNeverAsCutOff() {
        FixedRecvByteBufAllocator fixed = new FixedRecvByteBufAllocator(16 * 2048);
        fixed.maxMessagesPerRead(16);
        RecvByteBufAllocator.ExtendedHandle handle = (RecvByteBufAllocator.ExtendedHandle)
                new ReadBatchCountingAllocator(fixed, meter).newHandle();

        handle.reset(channel.config());
        handle.attemptedBytesRead(16 * 2048);
        handle.lastBytesRead(16 * 2048);
        handle.incMessagesRead(16);
        clock.addAndGet(2_000_000);
        assertThat(handle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER)).isFalse();
        handle.readComplete();

        assertThat(reads().batches()).isEqualTo(1);
        assertThat(reads().busyNanos()).isEqualTo(2_000_000);
        assertThat(reads().saturatedBatches()).isZero();
    }

    @Test
    void theWrapperKeepsTheMessageCapOfTheAllocatorItWraps() {
        FixedRecvByteBufAllocator fixed = new FixedRecvByteBufAllocator(2048);
        ReadBatchCountingAllocator counting = new ReadBatchCountingAllocator(fixed, meter);

        counting.maxMessagesPerRead(16);

        assertThat(fixed.maxMessagesPerRead()).isEqualTo(16);
        assertThat(counting.maxMessagesPerRead()).isEqualTo(16);
    }
}
