package org.sipcity.loadgen;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Parses addresses given on the command line and refuses any that is not loopback: this tool only loads this host. */
public final class LoopbackAddresses {

    private LoopbackAddresses() {
    }

    /** {@code 127.0.0.1:5060} (or {@code [::1]:5060}); the port is required. */
    public static InetSocketAddress target(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("Target must be address:port, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Target port is not a number: '" + hostPort + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Target port out of range: " + port);
        }
        return new InetSocketAddress(loopback(host, "target"), port);
    }

    /** A comma-separated list of source addresses, each loopback. */
    public static List<InetAddress> sources(String commaSeparated) {
        List<InetAddress> sources = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            String host = part.trim();
            if (!host.isEmpty()) {
                sources.add(loopback(host, "source"));
            }
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("At least one source address is needed");
        }
        return List.copyOf(sources);
    }

    /** Resolves a literal address only (no DNS) and refuses anything outside 127.0.0.0/8 and ::1. */
    static InetAddress loopback(String literal, String role) {
        if (!literal.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            throw new IllegalArgumentException("The " + role + " must be a literal loopback address, got '" + literal + "'");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Not an address: '" + literal + "'", e);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("Refusing " + role + " " + literal
                    + ": only loopback addresses (127.0.0.0/8, ::1) may be used by this load generator");
        }
        return address;
    }
}
