package org.sipcity.stack.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator.ExtendedHandle;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The compact handle sizes reads and ends read batches exactly as Netty's adaptive handle with the same bounds, read
 * for read, whatever the sizes the socket returns; only its footprint differs.
 */
class CompactReceiveAllocatorTest {

    private static final int MIN = 64;
    private static final int INITIAL = 2048;
    private static final int MAX = 65536;

    @Test
    void guesses_and_batch_ends_match_nettys_adaptive_allocator_over_random_reads() {
        for (int maxMessages : new int[] {1, 4, 16}) {
            EmbeddedChannel channel = new EmbeddedChannel();
            ChannelConfig config = channel.config();
            ExtendedHandle netty = (ExtendedHandle) new AdaptiveRecvByteBufAllocator(MIN, INITIAL, MAX)
                    .maxMessagesPerRead(maxMessages).newHandle();
            ExtendedHandle compact = (ExtendedHandle) new CompactReceiveAllocator(MIN, INITIAL, MAX)
                    .maxMessagesPerRead(maxMessages).newHandle();
            Random random = new Random(42 + maxMessages);
            for (int batch = 0; batch < 20_000; batch++) {
                netty.reset(config);
                compact.reset(config);
                boolean more;
                do {
                    assertThat(compact.guess()).as("guess in batch %d", batch).isEqualTo(netty.guess());
                    int attempted = netty.guess();
                    netty.attemptedBytesRead(attempted);
                    compact.attemptedBytesRead(attempted);
                    int read = nextRead(random, attempted);
                    netty.lastBytesRead(read);
                    compact.lastBytesRead(read);
                    assertThat(compact.lastBytesRead()).isEqualTo(netty.lastBytesRead());
                    assertThat(compact.attemptedBytesRead()).isEqualTo(netty.attemptedBytesRead());
                    if (read > 0) {
                        netty.incMessagesRead(1);
                        compact.incMessagesRead(1);
                    }
                    more = netty.continueReading();
                    assertThat(compact.continueReading()).as("continue in batch %d", batch).isEqualTo(more);
                    boolean hint = random.nextBoolean();
                    assertThat(compact.continueReading(() -> hint)).isEqualTo(netty.continueReading(() -> hint));
                } while (more);
                netty.readComplete();
                compact.readComplete();
                assertThat(compact.guess()).isEqualTo(netty.guess());
            }
            channel.finishAndReleaseAll();
        }
    }

    /** Reads that fill the buffer (a burst), end of stream, nothing, or anything in between. */
    private static int nextRead(Random random, int attempted) {
        return switch (random.nextInt(6)) {
            case 0 -> attempted;
            case 1 -> -1;
            case 2 -> 0;
            case 3 -> 1 + random.nextInt(Math.max(1, attempted / 8));
            default -> 1 + random.nextInt(attempted);
        };
    }

    @Test
    void a_batch_stops_when_reading_is_turned_off_during_it() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ExtendedHandle handle = (ExtendedHandle) new CompactReceiveAllocator(MIN, INITIAL, MAX)
                .maxMessagesPerRead(16).newHandle();
        handle.reset(channel.config());
        handle.attemptedBytesRead(handle.guess());
        handle.lastBytesRead(handle.guess());
        handle.incMessagesRead(1);
        assertThat(handle.continueReading()).isTrue();
        channel.config().setAutoRead(false); // back-pressure paused the connection
        assertThat(handle.continueReading()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void buffers_are_allocated_at_the_guess_within_the_bounds() {
        ExtendedHandle handle = (ExtendedHandle) new CompactReceiveAllocator(MIN, INITIAL, MAX).newHandle();
        EmbeddedChannel channel = new EmbeddedChannel();
        ByteBuf first = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        assertThat(first.capacity()).isEqualTo(INITIAL);
        first.release();
        for (int i = 0; i < 10; i++) { // full reads: up to the maximum, never beyond
            handle.reset(channel.config());
            handle.attemptedBytesRead(handle.guess());
            handle.lastBytesRead(handle.guess());
            handle.readComplete();
        }
        assertThat(handle.guess()).isEqualTo(MAX);
        for (int i = 0; i < 200; i++) { // tiny reads: down to the minimum, never below
            handle.reset(channel.config());
            handle.attemptedBytesRead(handle.guess());
            handle.lastBytesRead(1);
            handle.readComplete();
        }
        assertThat(handle.guess()).isEqualTo(MIN);
        channel.finishAndReleaseAll();
    }

    @Test
    void bounds_are_checked() {
        assertThatThrownBy(() -> new CompactReceiveAllocator(0, 2048, 65536))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompactReceiveAllocator(4096, 2048, 65536))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompactReceiveAllocator(64, 2048, 1024))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompactReceiveAllocator(64, 2048, 65536).maxMessagesPerRead(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
