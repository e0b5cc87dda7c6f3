package org.sipcity.registrar.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.sipcity.registrar.auth.DigestAlgorithm;
import org.sipcity.registrar.location.jpa.WriteMode;

class RegistrarSettingsTest {

    @Test
    void defaults_are_the_documented_ones() {
        RegistrarSettings settings = RegistrarSettings.from(new Properties());
        assertThat(settings.policy().domains()).containsExactly("localhost");
        assertThat(settings.policy().defaultExpires()).isEqualTo(3600);
        assertThat(settings.policy().minExpires()).isEqualTo(60);
        assertThat(settings.policy().maxExpires()).isEqualTo(7200);
        assertThat(settings.policy().flowTimer()).isEqualTo(120);
        assertThat(settings.authenticate()).isTrue();
        assertThat(settings.writeMode()).isEqualTo(WriteMode.WRITE_BACK);
        assertThat(settings.flushInterval().toMillis()).isEqualTo(1000);
        assertThat(settings.storedExpiryLagPercent()).isEqualTo(25);
        assertThat(settings.nonceSecret()).hasSize(32);
        assertThat(settings.digestAlgorithms()).containsExactly(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    }

    @Test
    void digest_algorithms_are_read_in_order_and_checked() {
        Properties p = new Properties();
        p.setProperty("sipcity.registrar.digest-algorithms", "md5, SHA-256");
        assertThat(RegistrarSettings.from(p).digestAlgorithms()).containsExactly(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256);

        p.setProperty("sipcity.registrar.digest-algorithms", "MD5,SHA-512");
        assertThatIllegalArgumentException().isThrownBy(() -> RegistrarSettings.from(p)).withMessageContaining("SHA-512");
        p.setProperty("sipcity.registrar.digest-algorithms", "MD5,MD5");
        assertThatIllegalArgumentException().isThrownBy(() -> RegistrarSettings.from(p)).withMessageContaining("once");
    }

    @Test
    void values_are_read_and_checked() {
        Properties p = new Properties();
        p.setProperty("sipcity.registrar.domains", "Example.org, city.example ");
        p.setProperty("sipcity.registrar.write-mode", "write-through");
        p.setProperty("sipcity.registrar.min-expires", "120");
        RegistrarSettings settings = RegistrarSettings.from(p);
        assertThat(settings.policy().domains()).containsExactlyInAnyOrder("example.org", "city.example");
        assertThat(settings.writeMode()).isEqualTo(WriteMode.WRITE_THROUGH);
        assertThat(settings.policy().minExpires()).isEqualTo(120);

        p.setProperty("sipcity.registrar.write-mode", "sometimes");
        assertThatIllegalArgumentException().isThrownBy(() -> RegistrarSettings.from(p)).withMessageContaining("write-mode");
        p.setProperty("sipcity.registrar.write-mode", "write-back");
        p.setProperty("sipcity.registrar.stored-expiry-lag-percent", "0");
        assertThat(RegistrarSettings.from(p).storedExpiryLagPercent()).isZero();
        p.setProperty("sipcity.registrar.stored-expiry-lag-percent", "60");
        assertThatIllegalArgumentException().isThrownBy(() -> RegistrarSettings.from(p))
                .withMessageContaining("stored-expiry-lag-percent must be 0 to 50");
        p.setProperty("sipcity.registrar.stored-expiry-lag-percent", "25");
        p.setProperty("sipcity.registrar.max-expires", "30");
        assertThatIllegalArgumentException().isThrownBy(() -> RegistrarSettings.from(p)).withMessageContaining("max-expires");
    }
}
