package org.sipcity.registrar.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderListsTest {

    @Test
    void splits_on_top_level_commas_only() {
        assertThat(HeaderLists.split("SIP/2.0/TCP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2"))
                .containsExactly("SIP/2.0/TCP a;branch=z9hG4bK1", "SIP/2.0/UDP b;branch=z9hG4bK2");
        assertThat(HeaderLists.split("\"Doe, John\" <sip:a@b;x=1,2>, <sip:c@d>"))
                .containsExactly("\"Doe, John\" <sip:a@b;x=1,2>", "<sip:c@d>");
        assertThat(HeaderLists.split(" path , outbound ,")).containsExactly("path", "outbound");
        assertThat(HeaderLists.split("")).isEmpty();
    }

    @Test
    void counts_what_split_returns_without_splitting() {
        String[] values = {"SIP/2.0/TCP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2",
                "\"Doe, John\" <sip:a@b;x=1,2>, <sip:c@d>", " path , outbound ,", "", " , ,", "one",
                "\"a\\\",b\" <x>, y", "<sip:a,b>,c, ,d"};
        for (String value : values) {
            assertThat(HeaderLists.count(value)).as(value).isEqualTo(HeaderLists.split(value).size());
        }
        assertThat(HeaderLists.count("SIP/2.0/TCP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2")).isEqualTo(2);
        assertThat(HeaderLists.count(" , ,")).isZero();
    }
}
