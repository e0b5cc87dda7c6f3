package org.sipcity.stack.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Copies of parsed (read-only) parameters share their entries until changed; no change leaks either way. */
class ParametersTest {

    @Test
    void a_copy_changes_alone_and_leaves_the_parsed_parameters_as_they_were() throws Exception {
        SipUri uri = SipUri.parse("sip:alice@example.com;transport=tcp;ob;lr");
        Parameters parsed = uri.parameters();
        Parameters first = parsed.copy();
        Parameters second = parsed.copy();

        first.set("transport", "udp").remove("ob");
        second.set("maddr", "192.0.2.1");

        assertThat(parsed.names()).containsExactly("transport", "ob", "lr");
        assertThat(parsed.get("transport")).isEqualTo("tcp");
        assertThat(first.names()).containsExactly("transport", "lr");
        assertThat(first.get("transport")).isEqualTo("udp");
        assertThat(second.names()).containsExactly("transport", "ob", "lr", "maddr");
        assertThat(uri.toString()).isEqualTo("sip:alice@example.com;transport=tcp;ob;lr");
        assertThatThrownBy(() -> parsed.set("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void a_copy_of_a_copy_and_of_nothing_are_independent_too() {
        Parameters empty = Parameters.empty().copy();
        empty.set("a", "1");
        assertThat(Parameters.empty().isEmpty()).isTrue();
        assertThat(empty.get("a")).isEqualTo("1");

        Parameters copyOfCopy = empty.copy();
        copyOfCopy.set("a", "2");
        empty.set("b", null);
        assertThat(copyOfCopy.names()).containsExactly("a");
        assertThat(copyOfCopy.get("a")).isEqualTo("2");
        assertThat(empty.names()).containsExactly("a", "b");
        assertThat(empty.has("b")).isTrue();
        assertThat(empty.get("a")).isEqualTo("1");
    }

    @Test
    void an_unchanged_copy_equals_its_source() throws Exception {
        Parameters parsed = NameAddress.parse("<sip:bob@example.com>;tag=abc;expires=60").parameters();
        Parameters copy = parsed.copy();
        assertThat(copy).isEqualTo(parsed).hasSameHashCodeAs(parsed);
        assertThat(copy.toString()).isEqualTo(";tag=abc;expires=60");
        assertThat(copy.remove("nothing")).isFalse();
        assertThat(copy.size()).isEqualTo(2);
    }
}
