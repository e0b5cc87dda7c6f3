package org.sipcity.stack.classify;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/** The first line of every RFC 4475 torture message, read from the project's shared material. */
class Rfc4475ClassificationTest {

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource({
        "badaspec, REQUEST, OPTIONS", "badbranch, REQUEST, OPTIONS", "baddate, REQUEST, INVITE",
        "baddn, REQUEST, OPTIONS", "badinv01, REQUEST, INVITE", "badvers, REQUEST, OPTIONS",
        "bcast, RESPONSE, 200", "bext01, REQUEST, OPTIONS", "bigcode, INVALID, ", "clerr, REQUEST, INVITE",
        "cparam01, REQUEST, REGISTER", "cparam02, REQUEST, REGISTER", "dblreq, REQUEST, REGISTER",
        "esc01, REQUEST, INVITE", "esc02, REQUEST, EXTENSION", "escnull, REQUEST, REGISTER",
        "escruri, REQUEST, INVITE", "insuf, REQUEST, INVITE", "intmeth, REQUEST, EXTENSION",
        "inv2543, REQUEST, INVITE", "invut, REQUEST, INVITE", "longreq, REQUEST, INVITE",
        "ltgtruri, REQUEST, INVITE", "lwsdisp, REQUEST, OPTIONS", "lwsruri, INVALID, ", "lwsstart, INVALID, ",
        "mcl01, REQUEST, OPTIONS", "mismatch01, REQUEST, OPTIONS", "mismatch02, REQUEST, EXTENSION",
        "mpart01, REQUEST, MESSAGE", "multi01, REQUEST, INVITE", "ncl, REQUEST, INVITE", "noreason, RESPONSE, 100",
        "novelsc, REQUEST, OPTIONS", "quotbal, REQUEST, INVITE", "regaut01, REQUEST, REGISTER",
        "regbadct, REQUEST, REGISTER", "regescrt, REQUEST, REGISTER", "scalar02, REQUEST, REGISTER",
        "scalarlg, RESPONSE, 503", "sdp01, REQUEST, INVITE", "semiuri, REQUEST, OPTIONS",
        "transports, REQUEST, OPTIONS", "trws, INVALID, ", "unkscm, REQUEST, OPTIONS", "unksm2, REQUEST, REGISTER",
        "unreason, RESPONSE, 200", "wsinv, REQUEST, INVITE", "zeromf, REQUEST, OPTIONS",
    })
    void classifiesTheStartLine(String name, MessageKind kind, String detail) throws IOException {
        byte[] bytes = Files.readAllBytes(directory().resolve(name + ".dat"));
        long c = FirstLineClassifier.classify(bytes, 0, bytes.length);
        assertThat(FirstLineClassifier.kind(c)).isEqualTo(kind);
        if (kind == MessageKind.REQUEST) {
            assertThat(FirstLineClassifier.method(c)).isEqualTo(KnownMethod.valueOf(detail));
        } else if (kind == MessageKind.RESPONSE) {
            assertThat(FirstLineClassifier.statusCode(c)).isEqualTo(Integer.parseInt(detail));
        }
    }

    private static Path directory() {
        String shared = System.getProperty("sipcity.shared.dir");
        assertThat(shared).as("system property sipcity.shared.dir (set by the parent POM)").isNotNull();
        Path dir = Paths.get(shared, "conformance", "rfc4475");
        assertThat(dir).isDirectory();
        return dir;
    }
}
