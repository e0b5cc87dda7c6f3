package org.sipcity.stack.transaction;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BranchGeneratorTest {

    @Test
    void branchesCarryTheCookieAreTokensAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String branch = BranchGenerator.newBranch();
            assertThat(branch).startsWith("z9hG4bK").hasSize(27).matches("[0-9A-Za-z.\\-]+");
            assertThat(seen.add(branch)).as("unique: %s", branch).isTrue();
        }
    }

    @Test
    void recognisesTheMagicCookie() {
        assertThat(BranchGenerator.hasMagicCookie("z9hG4bK776asdhds")).isTrue();
        assertThat(BranchGenerator.hasMagicCookie("776asdhds")).isFalse();
        assertThat(BranchGenerator.hasMagicCookie(null)).isFalse();
    }
}
