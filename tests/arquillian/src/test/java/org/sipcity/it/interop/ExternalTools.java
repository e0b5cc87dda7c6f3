package org.sipcity.it.interop;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a program the interop tests drive is on the PATH. */
final class ExternalTools {

    private ExternalTools() {
    }

    static boolean installed(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** In CI ({@code CI} set) a missing tool is a failure, never a skip: {@code .ci/run} installs them. */
    static boolean requiredOrInstalled(String program) {
        return installed(program) || System.getenv("CI") != null;
    }
}
