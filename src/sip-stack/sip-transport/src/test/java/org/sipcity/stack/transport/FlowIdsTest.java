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

    @Test
    void anIdGivesBackItsSequenceNumberAndOnlyAnIdOfThisProcessDoes() {
        long sequence = FlowIds.nextSequence();
        String id = FlowIds.format(TransportType.TCP, sequence);
        assertThat(FlowIds.sequenceOf(id)).isEqualTo(sequence);
        assertThat(FlowIds.sequenceOf(FlowIds.next(TransportType.UDP))).isEqualTo(sequence + 1);

        String otherStart = id.charAt(0) + (id.charAt(1) == 'a' ? "b" : "a") + id.substring(2);
        assertThat(FlowIds.sequenceOf(otherStart)).as("an id from before a restart").isEqualTo(-1);
        String prefix = id.substring(0, id.indexOf('.') + 1);
        assertThat(FlowIds.sequenceOf(prefix + "+1")).isEqualTo(-1);
        assertThat(FlowIds.sequenceOf(prefix + "-1")).isEqualTo(-1);
        assertThat(FlowIds.sequenceOf(prefix)).isEqualTo(-1);
        assertThat(FlowIds.sequenceOf(prefix + "1?")).isEqualTo(-1);
        assertThat(FlowIds.sequenceOf(null)).isEqualTo(-1);
    }
}
