package org.sipcity.stack.framing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The RFC 4475 torture messages, read from the project's shared material ({@code sipcity.shared.dir}), and how
 * each one frames on a stream. Every file of the directory must be listed, so a new one cannot slip by unjudged.
 */
final class Rfc4475Corpus {

    /** How a file frames when it is the whole content of a stream. */
    enum Framing {
        /** The file is one message. */
        ONE_MESSAGE,
        /**
         * "dblreq": a datagram holding a REGISTER with Content-Length 0 and noise that looks like an INVITE. On a
         * stream: the REGISTER, a CRLF (a pong), an INVITE whose Content-Length stops 5 bytes short of its body, and
         * those 5 bytes ("C" CRLF CRLF), which start a message without Content-Length.
         */
        REGISTER_PONG_INVITE_THEN_NOISE,
        /** "clerr": Content-Length 9999 with a 154-byte body: on a stream the message is still arriving. */
        INCOMPLETE,
        /** "ncl": Content-Length -999. */
        NEGATIVE_CONTENT_LENGTH,
        /** "mcl01": Content-Length 13 and 5. */
        CONFLICTING_CONTENT_LENGTH,
        /** "inv2543": an RFC 2543 INVITE without Content-Length, mandatory on streams (RFC 3261 §18.3). */
        MISSING_CONTENT_LENGTH
    }

    private static final Map<String, Framing> FRAMING = Map.ofEntries(
            Map.entry("dblreq.dat", Framing.REGISTER_PONG_INVITE_THEN_NOISE),
            Map.entry("clerr.dat", Framing.INCOMPLETE),
            Map.entry("ncl.dat", Framing.NEGATIVE_CONTENT_LENGTH),
            Map.entry("mcl01.dat", Framing.CONFLICTING_CONTENT_LENGTH),
            Map.entry("inv2543.dat", Framing.MISSING_CONTENT_LENGTH));

    /** Files whose start line, headers or body are wrong but whose framing is sound (the parser answers them). */
    private static final List<String> ONE_MESSAGE = List.of(
            "badaspec.dat", "badbranch.dat", "baddate.dat", "baddn.dat", "badinv01.dat", "badvers.dat", "bcast.dat",
            "bext01.dat", "bigcode.dat", "cparam01.dat", "cparam02.dat", "esc01.dat", "esc02.dat", "escnull.dat",
            "escruri.dat", "insuf.dat", "intmeth.dat", "invut.dat", "longreq.dat", "ltgtruri.dat", "lwsdisp.dat",
            "lwsruri.dat", "lwsstart.dat", "mismatch01.dat", "mismatch02.dat", "mpart01.dat", "multi01.dat",
            "noreason.dat", "novelsc.dat", "quotbal.dat", "regaut01.dat", "regbadct.dat", "regescrt.dat",
            "scalar02.dat", "scalarlg.dat", "sdp01.dat", "semiuri.dat", "transports.dat", "trws.dat", "unkscm.dat",
            "unksm2.dat", "unreason.dat", "wsinv.dat", "zeromf.dat");

    private Rfc4475Corpus() {
    }

    static Path directory() {
        String shared = System.getProperty("sipcity.shared.dir");
        if (shared == null) {
            throw new IllegalStateException("system property sipcity.shared.dir is not set (the parent POM sets it)");
        }
        Path dir = Paths.get(shared, "conformance", "rfc4475");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("RFC 4475 messages not found in " + dir.toAbsolutePath());
        }
        return dir;
    }

    /** Every file name in the directory, sorted. */
    static List<String> fileNames() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dat")).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(String fileName) {
        try {
            return Files.readAllBytes(directory().resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the file frames; fails for a file nobody has judged yet. */
    static Framing framing(String fileName) {
        Framing framing = FRAMING.get(fileName);
        if (framing != null) {
            return framing;
        }
        if (ONE_MESSAGE.contains(fileName)) {
            return Framing.ONE_MESSAGE;
        }
        throw new AssertionError(fileName + " is not listed in " + Rfc4475Corpus.class.getSimpleName()
                + ": judge how it frames on a stream and add it");
    }

    /** The files whose framing is sound: each one whole message. */
    static List<String> wellFramed() {
        return fileNames().stream()
                .filter(n -> framing(n) == Framing.ONE_MESSAGE)
                .collect(Collectors.toList());
    }
}
