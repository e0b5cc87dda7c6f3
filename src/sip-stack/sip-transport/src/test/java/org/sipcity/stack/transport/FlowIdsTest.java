package org.sipcity.stack.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowIdsTest {

    /** RFC 3261 §25.1 token characters: the id may stand in a URI parameter or user part unescaped. */
    private static final String TOKEN = "[A-Za-z0-9.!%*_+`'~-]+";

    @Test
    void idsAreUniqueCompactTokensThatNameTheirTransport() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            for (TransportType transport : TransportType.values()) {
                String id = FlowIds.next(transport);
                assertThat(seen.add(id)).as("unique %s", id).isTrue();
                assertThat(id).matches(TOKEN).hasSizeLessThanOrEqualTo(16);
                assertThat(FlowIds.transportOf(id)).isEqualTo(transport);
            }
        }
    }

    @Test
    void foreignTextIsNoId() {
        assertThat(FlowIds.transportOf(null)).isNull();
        assertThat(FlowIds.transportOf("x12345.1")).isNull();
        assertThat(FlowIds.transportOf("t1")).isNull();
    }
}
