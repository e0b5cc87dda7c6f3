package org.sipcity.it.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One baresip (Debian's {@code baresip}, 1.0) user agent for a test: its own config directory (generated under the
 * given folder), one account registering over TCP through our server, auto-answer, audio through {@code aubridge}
 * (no sound device), SIP trace on ({@code -s}) into {@code baresip.out}, and the {@code ctrl_tcp} JSON interface on a
 * loopback port for commands and events. Killed by {@link #close()}, and by {@code -t} after its lifetime whatever
 * happens.
 */
final class BaresipAgent implements AutoCloseable {

    /** An event of ctrl_tcp, e.g. type CALL_ESTABLISHED, param the status line of a closed call. */
    record Event(String type, String param, String json) {
    }

    private static final Pattern TYPE = Pattern.compile("\"type\":\"([^\"]*)\"");
    private static final Pattern PARAM = Pattern.compile("\"param\":\"([^\"]*)\"");

    private final String user;
    private final Path dir;
    private final Process process;
    private final Socket control;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    /**
     * Starts baresip as {@code user@domain} with {@code password}, registering through {@code server} (our TCP SIP
     * address: the account's outbound proxy, so the REGISTER and every request leave over the one flow).
     */
    static BaresipAgent start(String user, String domain, String password, InetSocketAddress server, Path parent,
            Duration lifetime) throws IOException {
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("baresip is only ever pointed at loopback: " + server);
        }
        Path dir = Files.createDirectories(parent.resolve(user));
        int controlPort = freePort();
        Files.writeString(dir.resolve("config"), String.join("\n",
                "module_path /usr/lib/baresip/modules",
                "poll_method epoll",
                "net_interface 127.0.0.1",
                "sip_listen 127.0.0.1:0",
                "call_local_timeout 30",
                "call_max_calls 2",
                // No sound device: aubridge plays into and records from a bridge nobody else uses.
                "audio_player aubridge,nil",
                "audio_source aubridge,nil",
                "audio_alert aubridge,nil",
                "audio_level no",
                "rtp_stats no",
                "module g711.so",
                "module aubridge.so",
                "module_tmp account.so",
                "module_app menu.so",
                "module_app ctrl_tcp.so",
                "ctrl_tcp_listen 127.0.0.1:" + controlPort,
                ""));
        String outbound = "sip:" + server.getAddress().getHostAddress() + ":" + server.getPort() + ";transport=tcp";
        Files.writeString(dir.resolve("accounts"), "<sip:" + user + "@" + domain + ";transport=tcp>;auth_pass="
                + password + ";outbound=\"" + outbound + "\";answermode=auto;regint=600;audio_codecs=pcmu;mwi=no\n");
        Process process = new ProcessBuilder("baresip", "-f", dir.toString(), "-s",
                "-t", Long.toString(lifetime.toSeconds()))
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("baresip.out").toFile()).start();
        try {
            return new BaresipAgent(user, dir, process, connect(controlPort, process));
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private BaresipAgent(String user, Path dir, Process process, Socket control) {
        this.user = user;
        this.dir = dir;
        this.process = process;
        this.control = control;
        this.reader = new Thread(this::readEvents, "baresip-" + user);
        reader.setDaemon(true);
        reader.start();
    }

    String user() {
        return user;
    }

    /** Sends a menu command (e.g. "dial", "sip:bob@localhost"; "hangup", ""). */
    void command(String command, String params) throws IOException {
        String json = "{\"command\":\"" + command + "\",\"params\":\"" + params.replace("\"", "") + "\",\"token\":\""
                + command + "\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = control.getOutputStream();
        out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.write(',');
        out.flush();
    }

    /** Waits for the next event of {@code type}, skipping others; fails after {@code timeout}. */
    Event await(String type, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            Event event = left > 0 ? events.poll(left, TimeUnit.MILLISECONDS) : null;
            if (event == null) {
                throw new AssertionError(user + ": no " + type + " event within " + timeout + "; output:\n" + output());
            }
            if (event.type().equals(type)) {
                return event;
            }
        }
    }

    /** One message of the SIP trace: transport, from, to, and its first line. */
    record Traced(String transport, String from, String to, String firstLine) {
    }

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");
    private static final Pattern TRACE = Pattern.compile("(?m)^#\\R(UDP|TCP|TLS) (\\S+) -> (\\S+)\\R(.*)$");

    /** Every SIP message baresip sent or received so far ({@code -s}: "#", "TCP from -> to", the message). */
    List<Traced> trace() {
        List<Traced> messages = new ArrayList<>();
        Matcher matcher = TRACE.matcher(output());
        while (matcher.find()) {
            messages.add(new Traced(matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4).strip()));
        }
        return messages;
    }

    /**
     * What baresip printed, its SIP trace included, without its colour escapes and other control characters (they
     * end up in assertion messages, and a test report is XML).
     */
    String output() {
        try {
            String raw = Files.readString(dir.resolve("baresip.out"), StandardCharsets.ISO_8859_1);
            return CONTROL.matcher(ANSI.matcher(raw).replaceAll("")).replaceAll("");
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            control.close();
        } catch (IOException ignored) {
            // the process goes anyway
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Reads netstrings ({@code length:json,}) until the socket closes; events go to the queue. */
    private void readEvents() {
        try (InputStream in = control.getInputStream()) {
            while (true) {
                int length = 0;
                int c;
                while ((c = in.read()) != ':') {
                    if (c < '0' || c > '9') {
                        return;
                    }
                    length = length * 10 + (c - '0');
                }
                byte[] body = in.readNBytes(length);
                if (body.length < length || in.read() != ',') {
                    return;
                }
                String json = new String(body, StandardCharsets.UTF_8);
                if (json.contains("\"event\":true")) {
                    events.add(new Event(group(TYPE, json), group(PARAM, json), json));
                }
            }
        } catch (IOException closed) {
            // close() or baresip ended
        }
    }

    private static String group(Pattern pattern, String json) {
        Matcher matcher = pattern.matcher(json);
        return matcher.find() ? matcher.group(1) : "";
    }

    private static Socket connect(int port, Process process) throws IOException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (true) {
            try {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return socket;
            } catch (IOException notYet) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IOException("baresip's ctrl_tcp on port " + port + " did not answer", notYet);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
