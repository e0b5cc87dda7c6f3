package org.sipcity.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A management user made for one test with the server's own {@code bin/add-user.sh} (the realm re-reads its
 * properties files, so no restart is needed), removed again afterwards so that the server keeps no test login.
 */
final class ManagementUser implements AutoCloseable {

    private final Path home;
    private final String name;
    private final String password;

    private ManagementUser(Path home, String name, String password) {
        this.home = home;
        this.name = name;
        this.password = password;
    }

    static ManagementUser create(Path jbossHome) throws IOException, InterruptedException {
        String name = "console-it-" + Long.toHexString(System.nanoTime());
        // add-user insists on letters, digits and a symbol.
        String password = "Sip-" + HexFormat.of().formatHex(SecureRandom.getSeed(8)) + "-7q";
        Process process = new ProcessBuilder(jbossHome.resolve("bin/add-user.sh").toString(), "-u", name, "-p", password, "-s")
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        boolean done = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            process.destroyForcibly();
        }
        assertThat(done && process.exitValue() == 0).as("add-user.sh: %s", output).isTrue();
        return new ManagementUser(jbossHome, name, password);
    }

    String name() {
        return name;
    }

    String password() {
        return password;
    }

    @Override
    public void close() throws IOException {
        for (String file : new String[] {"mgmt-users.properties", "mgmt-groups.properties"}) {
            Path path = home.resolve("standalone/configuration").resolve(file);
            if (Files.exists(path)) {
                List<String> kept = Files.readAllLines(path, StandardCharsets.UTF_8).stream()
                        .filter(line -> !line.startsWith(name + "=")).toList();
                Files.write(path, kept, StandardCharsets.UTF_8);
            }
        }
    }
}
