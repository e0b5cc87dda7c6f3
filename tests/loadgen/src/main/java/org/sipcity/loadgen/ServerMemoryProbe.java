package org.sipcity.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Reads what a local server process uses: its resident set from {@code /proc/<pid>/status} and, when asked and the
 * server is a JVM, its heap in use after a full collection ({@code jcmd <pid> GC.run}, then {@code GC.heap_info}).
 */
public final class ServerMemoryProbe {

    private static final Logger LOG = Logger.getLogger(ServerMemoryProbe.class);
    private static final Pattern VM_RSS = Pattern.compile("^VmRSS:\\s+(\\d+)\\s+kB", Pattern.MULTILINE);
    /** The first "used NNNK" of GC.heap_info is the whole heap's (G1, Parallel and Serial print it so). */
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final long JCMD_TIMEOUT_SECONDS = 20;

    private final long pid;
    private final boolean heap;

    /** @param heap also run jcmd for the heap after a full GC (slower: a collection per step) */
    public ServerMemoryProbe(long pid, boolean heap) {
        if (pid <= 0) {
            throw new IllegalArgumentException("Not a process id: " + pid);
        }
        this.pid = pid;
        this.heap = heap;
    }

    public OptionalLong rssKb() {
        try {
            Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
        } catch (IOException e) {
            LOG.warnf("Cannot read the server's memory (pid %d): %s", pid, e.getMessage());
            return OptionalLong.empty();
        }
    }

    /** Heap in use after a full collection, or empty when not asked for or jcmd cannot tell. */
    public OptionalLong liveHeapKb() {
        if (!heap) {
            return OptionalLong.empty();
        }
        if (jcmd("GC.run") == null) {
            return OptionalLong.empty();
        }
        String info = jcmd("GC.heap_info");
        if (info == null) {
            return OptionalLong.empty();
        }
        Matcher m = HEAP_USED.matcher(info);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private String jcmd(String command) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(List.of(java.toString(), Long.toString(pid), command))
                    .redirectErrorStream(true).start();
            if (!process.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                LOG.warnf("jcmd %d %s did not finish in %d s", pid, command, JCMD_TIMEOUT_SECONDS);
                return null;
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                LOG.warnf("jcmd %d %s failed: %s", pid, command, output.strip());
                return null;
            }
            return output;
        } catch (IOException e) {
            LOG.warnf("Cannot run jcmd: %s", e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
