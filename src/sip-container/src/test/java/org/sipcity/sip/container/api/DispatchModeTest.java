package org.sipcity.sip.container.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatchModeTest {

    @Test
    void withoutTheParameterAnApplicationRunsOnWorkers() throws Exception {
        assertThat(DispatchMode.declaredBy(Map.of(), "app")).isEqualTo(DispatchMode.WORKER);
        assertThat(DispatchMode.declaredBy(Map.of("other", "inline"), "app")).isEqualTo(DispatchMode.WORKER);
    }

    @Test
    void theParameterDeclaresEitherMode() throws Exception {
        assertThat(DispatchMode.declaredBy(Map.of(DispatchMode.CONTEXT_PARAMETER, "inline"), "app")).isEqualTo(DispatchMode.INLINE);
        assertThat(DispatchMode.declaredBy(Map.of(DispatchMode.CONTEXT_PARAMETER, " Inline\n"), "app")).isEqualTo(DispatchMode.INLINE);
        assertThat(DispatchMode.declaredBy(Map.of(DispatchMode.CONTEXT_PARAMETER, "worker"), "app")).isEqualTo(DispatchMode.WORKER);
    }

    @Test
    void anythingElseFailsTheDeploymentWithTheReason() {
        assertThatThrownBy(() -> DispatchMode.declaredBy(Map.of(DispatchMode.CONTEXT_PARAMETER, "event-loop"), "app.war"))
                .isInstanceOf(SipDeploymentException.class)
                .hasMessageContaining("app.war").hasMessageContaining("event-loop").hasMessageContaining("'inline'");
    }
}
