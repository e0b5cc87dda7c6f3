package org.sipcity.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The clustered nodes of a test, driven through {@code wildfly-config/src/main/bin/sipcity-cluster} (the script users
 * run): node I on 127.0.0.(I+1) with the I-th port offset, all on one database. Every command is bounded in time.
 */
final class ClusterNodes {

    private static final long COMMAND_TIMEOUT_SECONDS = 420;

    private final Path script = Path.of(System.getProperty("sipcity.cluster.script"));
    private final Path dir = Path.of(System.getProperty("sipcity.cluster.dir"));
    private final String offsets = System.getProperty("sipcity.cluster.offsets", "0 0 0");
    private final Map<String, String> database;

    ClusterNodes(String url, String user, String password) {
        this.database = Map.of("SIPCITY_DB_DRIVER", "postgresql", "SIPCITY_DB_URL", url, "SIPCITY_DB_USER", user,
                "SIPCITY_DB_PASSWORD", password);
    }

    /** Node {@code i}'s SIP address (TCP and UDP share it). */
    InetSocketAddress sip(int i) {
        String[] each = offsets.trim().split("\\s+");
        int offset = i <= each.length ? Integer.parseInt(each[i - 1]) : 0;
        return new InetSocketAddress("127.0.0." + (i + 1), 5060 + offset);
    }

    void start(int count) {
        run("start", Integer.toString(count));
    }

    void stop(int i) {
        run("stop", Integer.toString(i));
    }

    void kill(int i) {
        run("kill", Integer.toString(i));
    }

    void stopAll() {
        run("stop");
    }

    /** Node {@code i}'s server.log, for failure messages. */
    Path log(int i) {
        return dir.resolve("node" + i).resolve("log").resolve("server.log");
    }

    private void run(String... arguments) {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        try {
            Files.createDirectories(dir);
            Path output = dir.resolve("command.out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            builder.environment().putAll(database);
            builder.environment().put("SIPCITY_CLUSTER_OFFSETS", offsets);
            builder.environment().put("SIPCITY_CLUSTER_DIR", dir.toString());
            builder.environment().put("SIPCITY_CLUSTER_OPTS", System.getProperty("sipcity.cluster.opts", ""));
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within "
                        + COMMAND_TIMEOUT_SECONDS + " s; see " + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "): " + Files.readString(output));
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " interrupted", e);
        }
    }
}
