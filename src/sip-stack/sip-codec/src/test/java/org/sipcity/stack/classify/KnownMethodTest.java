package org.sipcity.stack.classify;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KnownMethodTest {

    @Test
    void onlyAckByeCancelAndPrackAreInDialogOnly() {
        EnumSet<KnownMethod> inDialogOnly = EnumSet.noneOf(KnownMethod.class);
        for (KnownMethod method : KnownMethod.values()) {
            if (method.inDialogOnly()) {
                inDialogOnly.add(method);
            }
        }
        assertThat(inDialogOnly).containsExactlyInAnyOrder(KnownMethod.ACK, KnownMethod.BYE, KnownMethod.CANCEL,
                KnownMethod.PRACK);
    }

    @Test
    void theIdIsTheOrdinalAndResolvesBack() {
        for (KnownMethod method : KnownMethod.values()) {
            assertThat(KnownMethod.ofId(method.ordinal())).isSameAs(method);
        }
        assertThat(KnownMethod.values()).hasSizeLessThanOrEqualTo(256).endsWith(KnownMethod.EXTENSION);
    }

    @Test
    void refusesAnIdThatIsNoMethod() {
        assertThatIllegalArgumentException().isThrownBy(() -> KnownMethod.ofId(-1));
        assertThatIllegalArgumentException().isThrownBy(() -> KnownMethod.ofId(KnownMethod.values().length));
    }
}
