package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.sipcity.stack.framing.FramingConfig;

class SipConnectorConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SipConnectorConfig config = SipConnectorConfig.builder("sip", TransportType.TCP).build();

        assertThat(config.bindAddress().getPort()).isEqualTo(5060);
        assertThat(config.bindAddress().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(config.reusePort()).isTrue();
        assertThat(config.backlog()).isEqualTo(1024);
        assertThat(config.tcpNoDelay()).isTrue();
        assertThat(config.writeBufferLowWaterMark()).isEqualTo(32 * 1024);
        assertThat(config.writeBufferHighWaterMark()).isEqualTo(64 * 1024);
        assertThat(config.writeQueueLimit()).isEqualTo(1024 * 1024);
        assertThat(config.writeStallTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(config.maxConnections()).isEqualTo(100_000);
        assertThat(config.receiveBufferSize()).isZero();
        assertThat(config.sendBufferSize()).isZero();
        assertThat(config.framing()).isEqualTo(FramingConfig.defaults());
        assertThat(config.clientAuth()).isEqualTo(TlsClientAuth.NONE);
        assertThat(config.sslContext()).isNull();
    }

    @Test
    void tlsListensOn5061ByDefaultAndNeedsAnSslContext() throws Exception {
        assertThatThrownBy(() -> SipConnectorConfig.builder("sips", TransportType.TLS).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SSLContext");

        SipConnectorConfig tls = SipConnectorConfig.builder("sips", TransportType.TLS)
                .sslContext(SSLContext.getDefault()).build();
        assertThat(tls.bindAddress().getPort()).isEqualTo(5061);
    }

    @Test
    void anSslContextOnAPlainConnectorIsAMistake() throws Exception {
        assertThatThrownBy(() -> SipConnectorConfig.builder("sip", TransportType.TCP)
                .sslContext(SSLContext.getDefault()).build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsNonsense() {
        SipConnectorConfig.Builder builder = SipConnectorConfig.builder("sip", TransportType.UDP);
        assertThatThrownBy(() -> builder.writeBufferWaterMarks(2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxConnections(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.idleTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.writeStallTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SipConnectorConfig.builder(" ", TransportType.UDP))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWriteQueueLimitFollowsTheHighWaterMarkUnlessSetAndIsNeverBelowIt() {
        SipConnectorConfig derived = SipConnectorConfig.builder("sip", TransportType.TCP)
                .writeBufferWaterMarks(100_000, 200_000).build();
        assertThat(derived.writeQueueLimit()).isEqualTo(16 * 200_000);
        assertThat(derived.toBuilder().writeBufferWaterMarks(1, 2).build().writeQueueLimit()).isEqualTo(32);

        SipConnectorConfig set = SipConnectorConfig.builder("sip", TransportType.TCP).writeQueueLimit(500_000).build();
        assertThat(set.writeQueueLimit()).isEqualTo(500_000);
        assertThat(set.toBuilder().build().writeQueueLimit()).isEqualTo(500_000);

        assertThatThrownBy(() -> SipConnectorConfig.builder("sip", TransportType.TCP).writeQueueLimit(1000).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("high water mark");
        assertThatThrownBy(() -> SipConnectorConfig.builder("sip", TransportType.TCP).writeQueueLimit(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toBuilderKeepsEveryValue() {
        SipConnectorConfig config = SipConnectorConfig.builder("sip", TransportType.UDP).maxConnections(7)
                .idleTimeout(Duration.ZERO).receiveBufferSize(1 << 20).reusePort(false).build();

        SipConnectorConfig copy = config.toBuilder().build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(config);
    }
}
