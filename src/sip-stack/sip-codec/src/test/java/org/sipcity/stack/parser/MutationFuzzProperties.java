package org.sipcity.stack.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipRequest;

/**
 * Random byte mutations of valid messages (our samples and every RFC 4475 file) never make the parser throw
 * anything but {@link SipParseException}, never hit its internal-error net, and whatever parses can be read
 * and written again.
 */
class MutationFuzzProperties {

    private static final byte[] INTERESTING = " \t\r\n:;,<>\"\\%@=[]/?*0123456789\u0000".getBytes(
            java.nio.charset.StandardCharsets.ISO_8859_1);

    private final SipMessageParser parser = new SipMessageParser();

    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(Messages.bytes(Messages.REGISTER));
        seeds.add(Messages.bytes(Messages.INVITE));
        Path dir = Path.of(System.getProperty("sipcity.shared.dir", "../../../../shared"), "conformance", "rfc4475");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.sorted().toList()) {
                    seeds.add(Files.readAllBytes(p));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return seeds;
    }

    private static final List<byte[]> SEEDS = seeds();

    @Provide
    Arbitrary<byte[]> mutated() {
        return Arbitraries.integers().between(0, SEEDS.size() - 1).flatMap(i ->
                Arbitraries.longs().map(seed -> mutate(SEEDS.get(i), new Random(seed))));
    }

    /** Flips, replaces, inserts, deletes or duplicates a few bytes, or cuts the message short. */
    static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> {
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                }
                case 3 -> {
                    byte[] n = new byte[b.length - 1];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + 1, n, at, b.length - at - 1);
                    b = n;
                }
                case 4 -> b = java.util.Arrays.copyOf(b, at);
                default -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(16));
                    byte[] n = new byte[b.length + len];
                    System.arraycopy(b, 0, n, 0, at + len);
                    System.arraycopy(b, at, n, at + len, b.length - at);
                    b = n;
                }
            }
        }
        return b;
    }

    @Property(tries = 3000)
    void mutatedMessagesFailOnlyWithSipParseException(@ForAll("mutated") byte[] input) {
        SipMessage m;
        try {
            m = parser.parse(input, 0, input.length);
        } catch (SipParseException e) {
            assertThat(e.fault()).isNotEqualTo(SipMessageParser.INTERNAL_FAULT);
            assertThat(e.statusCode()).isIn(400, 416, 505, 513);
            if (e.canAnswer()) {
                // whatever was parsed must be enough to answer, and its getters must not fail
                SipRequest partial = e.partialRequest();
                assertThat(partial.getTopVia()).isNotNull();
                partial.getFrom();
                partial.getTo();
                partial.getCSeq();
                partial.getCallId();
                partial.getMaxForwards();
                var answer = partial.createResponse(e.statusCode(), e.reasonPhrase());
                answer.getCSeq();
                answer.getToTag();
                assertThat(answer.encode()).isNotEmpty();
            }
            return;
        }
        // a message that parses can be read and written again
        m.getHeaderNames().forEach(m::getHeaders);
        m.getVias();
        // From, To and a Request-URI checked as plain are parsed only now: they must parse
        assertThat(m.getFrom()).isNotNull();
        assertThat(m.getTo()).isNotNull();
        m.getMaxForwards();
        if (m instanceof SipRequest r) {
            assertThat(r.getRequestUri()).isNotNull();
        }
        for (String contact : m.getHeaders(HeaderName.CONTACT)) {
            try {
                NameAddress.parse(contact);
            } catch (SipParseException e) {
                assertThat(e.statusCode()).isEqualTo(400);
            }
        }
        byte[] out = m.encode();
        try {
            SipMessage again = parser.parse(out, 0, out.length);
            assertThat(again.getCallId()).isEqualTo(m.getCallId());
            if (m instanceof SipRequest r) {
                assertThat(((SipRequest) again).getMethod()).isEqualTo(r.getMethod());
            }
        } catch (SipParseException e) {
            throw new AssertionError("re-encoded message no longer parses: " + e.reasonPhrase(), e);
        }
    }

    @Property(tries = 200)
    void everyPrefixFailsCleanly(@ForAll("seedIndex") int seed) {
        byte[] full = SEEDS.get(seed);
        for (int cut = 0; cut < full.length; cut++) {
            try {
                parser.parse(full, 0, cut);
            } catch (SipParseException e) {
                assertThat(e.fault()).isNotEqualTo(SipMessageParser.INTERNAL_FAULT);
            }
        }
    }

    @Provide
    Arbitrary<Integer> seedIndex() {
        return Arbitraries.integers().between(0, SEEDS.size() - 1);
    }

    @Property(tries = 2000)
    void arbitraryBytesFailCleanly(@ForAll byte[] input) {
        try {
            parser.parse(input, 0, input.length);
        } catch (SipParseException e) {
            assertThat(e.fault()).isNotEqualTo(SipMessageParser.INTERNAL_FAULT);
        }
    }
}
