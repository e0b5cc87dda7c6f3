package org.sipcity.stack.framing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipcity.stack.framing.FramerHarness.message;

/** Random bundles of messages and pings, cut at random points: exactly the messages and pings come out. */
class FramingPropertyTest {

    private static final byte[] PING = SampleMessages.ascii("\r\n\r\n");

    /** Stream items: generated messages, sample messages, and pings (null). */
    @Provide
    Arbitrary<List<byte[]>> bundles() {
        Arbitrary<byte[]> generated = Combinators.combine(
                Arbitraries.of("INVITE", "REGISTER", "OPTIONS", "X-CUSTOM", "SIP/2.0 200"),
                Arbitraries.strings().withChars("abcdefghij0123456789;=:@.<>\" \t").ofMaxLength(120).list().ofMaxSize(12),
                Arbitraries.strings().withChars("ab\r\n\u00e9v=0 ").ofMaxLength(400),
                Arbitraries.of("Content-Length: %d", "l: %d", "CONTENT-LENGTH:\r\n %d", "l:0%d ", "Content-Length   :%d"))
                .as(FramingPropertyTest::generatedMessage);
        Arbitrary<byte[]> sample = Arbitraries.of(SampleMessages.ALL);
        Arbitrary<byte[]> ping = Arbitraries.just(null);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, generated), net.jqwik.api.Tuple.of(3, sample), net.jqwik.api.Tuple.of(1, ping))
                .list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 300)
    void randomCutsOfRandomBundlesGiveBackExactlyTheItems(@ForAll("bundles") List<byte[]> bundle,
                                                         @ForAll @IntRange(min = 0, max = 40) int cutCount,
                                                         @ForAll long seed,
                                                         @ForAll boolean direct) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Object> expected = new ArrayList<>();
        for (byte[] item : bundle) {
            if (item == null) {
                stream.writeBytes(PING);
                expected.add(KeepAlive.PING);
            } else {
                stream.writeBytes(item);
                expected.add(message(item));
            }
        }
        byte[] bytes = stream.toByteArray();
        TreeSet<Integer> cuts = new TreeSet<>();
        Random random = new Random(seed);
        for (int i = 0; i < cutCount && bytes.length > 1; i++) {
            int cut = 1 + random.nextInt(bytes.length - 1);
            if (!cutsAPing(bytes, cut)) {
                cuts.add(cut);
            }
        }
        try (FramerHarness harness = new FramerHarness(FramingConfig.defaults(), direct)) {
            harness.readSplit(bytes, cuts.stream().mapToInt(Integer::intValue).toArray());
            assertThat(harness.items()).isEqualTo(expected);
            assertThat(harness.pending()).isZero();
        }
    }

    /** A ping cut between its two CRLFs reads as a pong and a ping (see KeepAliveTest): not what this property is about. */
    private static boolean cutsAPing(byte[] bytes, int cut) {
        return cut >= 2 && cut + 2 <= bytes.length && bytes[cut - 2] == '\r' && bytes[cut - 1] == '\n'
                && bytes[cut] == '\r' && bytes[cut + 1] == '\n';
    }

    private static byte[] generatedMessage(String start, List<String> headerValues, String body, String contentLength) {
        StringBuilder head = new StringBuilder(start.startsWith("SIP/") ? start + " OK\r\n" : start + " sip:u@h SIP/2.0\r\n");
        for (int i = 0; i < headerValues.size(); i++) {
            head.append("X-H").append(i).append(": ").append(headerValues.get(i).replace("\r", "")).append("\r\n");
        }
        return SampleMessages.message(head.toString(), contentLength + "\r\n", body);
    }
}
