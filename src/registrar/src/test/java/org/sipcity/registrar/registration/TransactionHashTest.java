package org.sipcity.registrar.registration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransactionHashTest {

    @Test
    void the_branch_is_read_from_the_first_via_value_whatever_the_case_spacing_and_other_parameters() {
        assertThat(TransactionHash.branch("SIP/2.0/UDP 127.0.0.1:5070;rport;branch=z9hG4bK-1;received=127.0.0.1"))
                .isEqualTo("z9hG4bK-1");
        assertThat(TransactionHash.branch("SIP/2.0/TCP h ; BRANCH = z9hG4bK-2")).isEqualTo("z9hG4bK-2");
        assertThat(TransactionHash.branch("SIP/2.0/UDP a;x=1, SIP/2.0/UDP b;branch=z9hG4bK-3")).isNull();
        assertThat(TransactionHash.branch("SIP/2.0/UDP a;branched=1")).isNull();
        assertThat(TransactionHash.branch(null)).isNull();
    }

    @Test
    void the_same_transaction_gives_the_same_non_zero_hash_and_a_change_of_branch_call_id_or_cseq_another() {
        int hash = TransactionHash.of("SIP/2.0/UDP a;branch=z9hG4bK-1", "c@a", 2);
        assertThat(hash).isNotZero()
                .isEqualTo(TransactionHash.of("SIP/2.0/UDP a;received=127.0.0.2;branch=z9hG4bK-1", "c@a", 2))
                .isNotEqualTo(TransactionHash.of("SIP/2.0/UDP a;branch=z9hG4bK-2", "c@a", 2))
                .isNotEqualTo(TransactionHash.of("SIP/2.0/UDP a;branch=z9hG4bK-1", "d@a", 2))
                .isNotEqualTo(TransactionHash.of("SIP/2.0/UDP a;branch=z9hG4bK-1", "c@a", 3));
    }

    @Test
    void a_branch_without_the_magic_cookie_names_no_transaction() {
        assertThat(TransactionHash.of("SIP/2.0/UDP a;branch=1234", "c@a", 2)).isZero();
        assertThat(TransactionHash.of("SIP/2.0/UDP a", "c@a", 2)).isZero();
    }
}
