package org.sipcity.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that the source addresses offer enough ephemeral ports: each (source, target) pair has the kernel's
 * {@code net.ipv4.ip_local_port_range} to itself, so N flows need N / range source addresses at least.
 */
final class EphemeralPorts {

    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private EphemeralPorts() {
    }

    static void requireEnough(int connections, int sources) {
        int perSource = portsPerSource();
        if (perSource > 0 && (long) perSource * sources < connections) {
            throw new IllegalArgumentException(String.format("%d flows need more than %d source address(es): each "
                    + "offers %d ports (ip_local_port_range); add sources (127.0.0.2, 127.0.0.3, ...)",
                    connections, sources, perSource));
        }
    }

    /** The size of the ephemeral port range, or 0 when it cannot be read (not Linux). */
    static int portsPerSource() {
        try {
            String[] bounds = Files.readString(RANGE).trim().split("\\s+");
            return Integer.parseInt(bounds[1]) - Integer.parseInt(bounds[0]) + 1;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
