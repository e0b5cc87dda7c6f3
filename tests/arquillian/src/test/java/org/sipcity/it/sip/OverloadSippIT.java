package org.sipcity.it.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sipcity.it.sip.dialog.DialogServlet;

/**
 * The proof with a real SIP peer: SIPp (Debian {@code sip-tester}) drives the provisioned server past its
 * capacity over UDP while calls set up before the overload end during it.
 *
 * <ol>
 * <li>{@value #DIALOGS} calls are set up ({@code dialog-uac.xml}): INVITE, 200, ACK. They wait 7 s.</li>
 * <li>OPTIONS at {@value #LOAD_RATE}/s to a servlet that works 250 ms each ({@code options-load.xml}): the 16 workers
 *     serve 64/s, the worker queue's sojourn time passes 100 ms and the valve sheds.</li>
 * <li>While it sheds, new INVITEs and new REGISTERs ({@code new-invite.xml}, {@code new-register.xml}): those refused
 *     get 503 with Retry-After (a 503 without it fails the SIPp call); those admitted while the loss is below 100%
 *     complete normally.</li>
 * <li>While the valve is still overloaded, every call of step 1 sends an INFO in the dialog, answered 200; the
 *     servlet sends an INFO back and SIPp's 200 to it (a response into the server) reaches the servlet; the BYE
 *     then gets its 200, which says so ({@code X-Info-Answered: yes}). The valve shed no response and no in-dialog
 *     request, and did not leave overload in between.</li>
 * </ol>
 * Loopback only; every SIPp run is bounded in calls and time (the whole test takes about 20 s). Skipped when SIPp is
 * not installed.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OverloadSippIT {

    private static final int DIALOGS = 20;
    private static final int LOAD_RATE = 200;
    private static final int LOAD_SECONDS = 14;
    private static final int NEW_REQUESTS = 40;
    private static final long SETUP_LIMIT_MILLIS = 15_000;
    private static final String[] SCENARIOS = {"dialog-uac.xml", "options-load.xml", "new-invite.xml", "new-register.xml"};

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "dialog-app.war")
                .addPackage(DialogServlet.class.getPackage())
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @ArquillianResource
    ManagementClient management;

    @TempDir
    Path work;

    private final List<Sipp> started = new ArrayList<>();

    @AfterEach
    void stopSipp() {
        started.forEach(Sipp::stop);
    }

    @Test
    void byeAndResponsesPassWhileNewInvitesAndRegistersGet503WithRetryAfter() throws Exception {
        assumeTrue(Sipp.isInstalled(), "sipp (Debian package sip-tester) is not installed");
        for (String scenario : SCENARIOS) {
            try (InputStream in = getClass().getResourceAsStream("/sipp/" + scenario)) {
                Files.copy(in, work.resolve(scenario), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ValveModel model = new ValveModel(management);
        int port = model.sipAddress("sip-udp").getPort();
        model.awaitState(0);
        long shedInDialog = model.metric("overload-shed-in-dialog");
        long shedResponses = model.metric("overload-shed-responses");
        long admittedResponses = model.metric("overload-admitted-responses");
        long rejections = model.metric("overload-rejections-sent");

        Sipp dialogs = start("dialogs", "dialog-uac.xml", port, DIALOGS, 20, 40);
        awaitLogLines(dialogs, "established", DIALOGS);
        assertThat(model.metric("overload-state")).as("the calls were set up before the overload").isZero();

        Sipp load = start("load", "options-load.xml", port, LOAD_RATE * LOAD_SECONDS, LOAD_RATE, LOAD_SECONDS + 20);
        model.awaitState(1);
        long transitions = model.metric("overload-transitions");

        Sipp invites = start("invites", "new-invite.xml", port, NEW_REQUESTS, 20, 20);
        Sipp registers = start("registers", "new-register.xml", port, NEW_REQUESTS, 20, 20);
        invites.await();
        registers.await();
        dialogs.await();
        // Still overloaded, without a break, from before the new requests until every BYE had its 200.
        long stateAfterByes = model.metric("overload-state");
        long transitionsAfterByes = model.metric("overload-transitions");
        load.stop();

        assertThat(dialogs.exitCode()).as("every call's BYE answered 200 with X-Info-Answered: yes%n%s", dialogs.report())
                .isZero();
        assertThat(dialogs.logLines("established")).isEqualTo(DIALOGS);
        assertThat(stateAfterByes).as("overload-state when the last BYE was answered").isEqualTo(1L);
        assertThat(transitionsAfterByes).as("no transition while the BYEs were sent").isEqualTo(transitions);

        for (Sipp newWork : List.of(invites, registers)) {
            assertThat(newWork.exitCode()).as("every new request refused with 503 and Retry-After or served%n%s",
                    newWork.report()).isZero();
            assertThat(newWork.logLines("refused")).as("%s refused with 503", newWork.name).isPositive();
        }
        assertThat(model.metric("overload-shed-in-dialog")).isEqualTo(shedInDialog);
        assertThat(model.metric("overload-shed-responses")).isEqualTo(shedResponses);
        assertThat(model.metric("overload-admitted-responses")).as("the INFOs' 200s").isGreaterThanOrEqualTo(admittedResponses + DIALOGS);
        assertThat(model.metric("overload-rejections-sent")).isGreaterThan(rejections);
        model.awaitState(0);
    }

    private Sipp start(String name, String scenario, int port, int calls, int rate, int timeoutSeconds) throws IOException {
        Sipp sipp = Sipp.start(name, work, work.resolve(scenario), port, calls, rate, timeoutSeconds);
        started.add(sipp);
        return sipp;
    }

    private static void awaitLogLines(Sipp sipp, String word, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + SETUP_LIMIT_MILLIS;
        while (sipp.logLines(word) < count && sipp.isRunning() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(sipp.logLines(word)).as("calls %s%n%s", word, sipp.report()).isEqualTo(count);
    }

    /** One SIPp client over UDP, bounded in calls and time; its log file collects the scenario's log actions. */
    private static final class Sipp {
        final String name;
        private final Process process;
        private final Path log;
        private final Path errors;
        private final Path output;
        private final int timeoutSeconds;

        private Sipp(String name, Process process, Path log, Path errors, Path output, int timeoutSeconds) {
            this.name = name;
            this.process = process;
            this.log = log;
            this.errors = errors;
            this.output = output;
            this.timeoutSeconds = timeoutSeconds;
        }

        static boolean isInstalled() {
            return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, "sipp")));
        }

        static Sipp start(String name, Path work, Path scenario, int port, int calls, int rate, int timeoutSeconds)
                throws IOException {
            Path log = work.resolve(name + "-log.log");
            Path errors = work.resolve(name + "-errors.log");
            Path output = work.resolve(name + ".out");
            Process process = new ProcessBuilder("sipp", "127.0.0.1:" + port, "-sf", scenario.toString(), "-t", "u1",
                    "-i", "127.0.0.1", "-p", "0", "-m", Integer.toString(calls), "-r", Integer.toString(rate),
                    "-l", Integer.toString(calls), "-timeout", timeoutSeconds + "s", "-timeout_error",
                    "-recv_timeout", "10s", "-nostdin", "-trace_logs", "-log_file", log.toString(),
                    "-trace_err", "-error_file", errors.toString())
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            return new Sipp(name, process, log, errors, output, timeoutSeconds);
        }

        boolean isRunning() {
            return process.isAlive();
        }

        void await() throws InterruptedException {
            if (!process.waitFor(timeoutSeconds + 10L, TimeUnit.SECONDS)) {
                stop();
            }
        }

        void stop() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        int exitCode() {
            return process.isAlive() ? -1 : process.exitValue();
        }

        /** Lines of the log file holding {@code word} (the scenarios log "established" and "refused"). */
        long logLines(String word) {
            try {
                return Files.exists(log) ? Files.readAllLines(log).stream().filter(line -> line.contains(word)).count() : 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String report() {
            StringBuilder text = new StringBuilder(name).append(": exit ").append(exitCode()).append('\n');
            for (Path file : List.of(output, errors)) {
                try {
                    if (Files.exists(file)) {
                        List<String> lines = Files.readAllLines(file);
                        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> text.append(l).append('\n'));
                    }
                } catch (IOException e) {
                    text.append("(").append(file).append(": ").append(e.getMessage()).append(")\n");
                }
            }
            return text.toString();
        }
    }
}
