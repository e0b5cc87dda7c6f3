package org.sipcity.registrar.location.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class AorMapTest {

    @Test
    void behaves_as_a_hash_map_through_random_puts_and_removes_growing_and_shrinking() {
        AorMap<Integer> map = new AorMap<>();
        Map<String, Integer> expected = new HashMap<>();
        Random random = new Random(6);
        List<String> aors = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            aors.add("sip:user" + i + "@example.org");
        }
        for (int step = 0; step < 200_000; step++) {
            // grow to most of the AORs, then shrink to few, twice over, so both resizes and long runs are exercised
            boolean growing = (step / 50_000) % 2 == 0;
            String aor = new String(aors.get(random.nextInt(aors.size())));   // equal, not the same instance
            if (random.nextInt(100) < (growing ? 70 : 20)) {
                assertThat(map.put(aor, step)).isEqualTo(expected.put(aor, step));
            } else {
                assertThat(map.remove(aor)).isEqualTo(expected.remove(aor));
            }
            assertThat(map.size()).isEqualTo(expected.size());
        }
        for (String aor : aors) {
            assertThat(map.get(aor)).as(aor).isEqualTo(expected.get(aor));
        }
    }

    @Test
    void colliding_keys_stay_reachable_when_one_of_their_run_is_removed() {
        // "Aa" and "BB" have the same String hash: a run of equal home slots
        AorMap<String> map = new AorMap<>();
        String[] same = {"AaAa", "AaBB", "BBAa", "BBBB"};
        for (String key : same) {
            map.put(key, key);
        }
        map.put("sip:other@example.org", "other");
        assertThat(map.remove("AaBB")).isEqualTo("AaBB");
        assertThat(map.get("AaAa")).isEqualTo("AaAa");
        assertThat(map.get("BBAa")).isEqualTo("BBAa");
        assertThat(map.get("BBBB")).isEqualTo("BBBB");
        assertThat(map.get("AaBB")).isNull();
        assertThat(map.remove("AaBB")).isNull();
        assertThat(map.get("sip:other@example.org")).isEqualTo("other");
        assertThat(map.size()).isEqualTo(4);
    }
}
