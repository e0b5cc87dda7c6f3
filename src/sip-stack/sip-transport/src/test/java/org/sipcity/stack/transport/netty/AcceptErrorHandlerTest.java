package org.sipcity.stack.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.transport.FlowTable;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportMetrics;
import org.sipcity.stack.transport.TransportType;

/** An accept failure such as EMFILE pauses accepting for a second and leaves the listening socket open. */
class AcceptErrorHandlerTest {

    @Test
    void tooManyOpenFilesPausesAcceptingThenResumes() {
        TransportMetrics metrics = new TransportMetrics();
        ConnectorRuntime runtime = new ConnectorRuntime(SipConnectorConfig.builder("tcp", TransportType.TCP).build(),
                metrics, new FlowTable(), new NoopInbound());
        EmbeddedChannel listener = new EmbeddedChannel(new AcceptErrorHandler(runtime));
        listener.freezeTime();

        listener.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
        listener.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));

        assertThat(listener.isOpen()).isTrue();
        assertThat(listener.config().isAutoRead()).isFalse();
        assertThat(metrics.acceptErrors()).isEqualTo(2);

        listener.advanceTimeBy(AcceptErrorHandler.PAUSE_MILLIS - 1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isFalse();

        listener.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isTrue();
        listener.checkException(); // nothing escaped the handler
        listener.finishAndReleaseAll();
    }
}
