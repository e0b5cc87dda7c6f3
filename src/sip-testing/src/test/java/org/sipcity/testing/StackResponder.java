package org.sipcity.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionUser;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * A UAS on a bare {@link SipStack}, written without the test client's code, that the client's tests talk to:
 * OPTIONS 200; REGISTER challenged (401 with a SHA-256 and an MD5 challenge, qop=auth) and then checked by its
 * own digest computation; INVITE 180 + 200 with a Record-Route naming itself, or only 180 for user
 * {@code ringing} (then a CANCEL gets 200 and the INVITE 487); for user {@code retransmit} the 200 is sent once
 * more when the first ACK arrives, as a UAS core does until it sees the ACK (RFC 3261 §13.3.1.4); BYE 200; nothing
 * at all for user {@code silent}.
 * What it received goes into {@link #received} (requests, including ACKs).
 */
final class StackResponder implements TransactionUser, AutoCloseable {

    static final String REALM = "sipcity.test";
    static final String PASSWORD = "s3cret";

    private static final Pattern PARAM = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))");

    final SipStack stack;
    final Map<TransportType, InetSocketAddress> addresses = new EnumMap<>(TransportType.class);
    final BlockingQueue<SipRequest> received = new LinkedBlockingQueue<>();
    /** Algorithm of the last Authorization that verified, e.g. "SHA-256". */
    volatile String verifiedAlgorithm;
    private final String nonce = HexFormat.of().formatHex(randomBytes());
    /** The 200 to resend once, by Call-ID, with the channel it went out on. */
    private final Map<String, Map.Entry<SipResponse, TransactionChannel>> resendOnAck =
            new java.util.concurrent.ConcurrentHashMap<>();

    StackResponder(SSLContext tls) throws Exception {
        this.stack = new SipStack(SipStackConfig.defaults(), this);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        for (TransportType transport : TransportType.values()) {
            SipConnectorConfig.Builder config = SipConnectorConfig.builder("responder-" + transport, transport)
                    .bindAddress(any).reusePort(false);
            if (transport == TransportType.TLS) {
                config.sslContext(tls);
            }
            addresses.put(transport, stack.start(config.build()).localAddress());
        }
    }

    /** A URI addressing this responder's connector of {@code transport}. */
    String uri(String user, TransportType transport) {
        return "sip:" + user + "@127.0.0.1:" + addresses.get(transport).getPort() + ";transport="
                + transport.uriParameter();
    }

    SipRequest next(String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            SipRequest request = received.poll(100, TimeUnit.MILLISECONDS);
            if (request != null && request.getMethod().name().equals(method)) {
                return request;
            }
        }
        throw new AssertionError("The responder received no " + method + " within 10 s");
    }

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        received.add(request);
        String user = request.getRequestUri() instanceof SipUri sip ? sip.user() : null;
        if ("silent".equals(user)) {
            return;
        }
        switch (request.getMethod().name()) {
            case "OPTIONS", "BYE" -> transaction.sendResponse(tagged(request.createResponse(200)));
            case "REGISTER" -> transaction.sendResponse(register(request));
            case "MESSAGE" -> transaction.sendResponse(proxyAuthenticated(request));
            case "INVITE" -> {
                SipResponse ringing = tagged(request.createResponse(180));
                String tag = ringing.getToTag();
                transaction.sendResponse(ringing);
                if (!"ringing".equals(user)) {
                    SipResponse ok = request.createResponse(200);
                    ok.setToTag(tag);
                    TransportType transport = TransportType.fromToken(request.getTopVia().transport());
                    InetSocketAddress self = addresses.get(transport);
                    String params = ";transport=" + transport.uriParameter();
                    ok.setHeader(HeaderName.CONTACT, "<sip:callee@127.0.0.1:" + self.getPort() + params + ">");
                    ok.setHeader(HeaderName.RECORD_ROUTE, "<sip:127.0.0.1:" + self.getPort() + params + ";lr>");
                    if ("retransmit".equals(user)) {
                        resendOnAck.put(request.getCallId(), Map.entry(ok, transaction.channel()));
                    }
                    transaction.sendResponse(ok);
                }
            }
            default -> transaction.sendResponse(tagged(request.createResponse(405)));
        }
    }

    private SipResponse register(SipRequest request) {
        String authorization = request.getHeader(HeaderName.AUTHORIZATION);
        if (authorization == null) {
            SipResponse challenge = tagged(request.createResponse(401));
            challenge.addHeader(HeaderName.WWW_AUTHENTICATE, "Digest realm=\"" + REALM + "\", nonce=\"" + nonce
                    + "\", qop=\"auth\", algorithm=SHA-256");
            challenge.addHeader(HeaderName.WWW_AUTHENTICATE, "Digest realm=\"" + REALM + "\", nonce=\"" + nonce
                    + "\", qop=\"auth\", algorithm=MD5");
            return challenge;
        }
        boolean valid = verify(authorization, request);
        SipResponse response = tagged(request.createResponse(valid ? 200 : 403));
        if (valid) {
            response.setHeader(HeaderName.CONTACT, request.getHeader(HeaderName.CONTACT) + ";expires=3600");
        }
        return response;
    }

    /** As a proxy would (RFC 3261 §22.3): 407 with an MD5 challenge (no algorithm parameter), then 202 or 403. */
    private SipResponse proxyAuthenticated(SipRequest request) {
        String credentials = request.getHeader(HeaderName.PROXY_AUTHORIZATION);
        if (credentials == null) {
            SipResponse challenge = tagged(request.createResponse(407));
            challenge.addHeader(HeaderName.PROXY_AUTHENTICATE, "Digest realm=\"" + REALM + "\", nonce=\"" + nonce
                    + "\", qop=\"auth\"");
            return challenge;
        }
        return tagged(request.createResponse(verify(credentials, request) ? 202 : 403));
    }

    /** Checks credentials by RFC 7616 §3.4.1 with qop=auth, computed here independently of the client's code. */
    private boolean verify(String credentials, SipRequest request) {
        Map<String, String> p = new HashMap<>();
        Matcher m = PARAM.matcher(credentials.substring("Digest ".length()));
        while (m.find()) {
            p.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
        }
        String algorithm = p.getOrDefault("algorithm", "MD5");
        String ha1 = hex(algorithm, p.get("username") + ":" + REALM + ":" + PASSWORD);
        String ha2 = hex(algorithm, request.getMethod().name() + ":" + p.get("uri"));
        String expected = hex(algorithm, ha1 + ":" + nonce + ":" + p.get("nc") + ":" + p.get("cnonce") + ":"
                + p.get("qop") + ":" + ha2);
        boolean valid = expected.equals(p.get("response")) && "auth".equals(p.get("qop"))
                && REALM.equals(p.get("realm")) && request.getRequestUri().toString().equals(p.get("uri"));
        if (valid) {
            verifiedAlgorithm = algorithm;
        }
        return valid;
    }

    private static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static SipResponse tagged(SipResponse response) {
        if (response.getToTag() == null) {
            response.setToTag(Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }
        return response;
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        received.add(cancel);
        transaction.sendResponse(tagged(cancel.createResponse(target == null ? 481 : 200)));
        if (target != null) {
            SipResponse terminated = target.request().createResponse(487);
            SipResponse provisional = target.lastResponse();
            terminated.setToTag(provisional != null ? provisional.getToTag() : "t487");
            target.sendResponse(terminated);
        }
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        received.add(ack);
        Map.Entry<SipResponse, TransactionChannel> again = resendOnAck.remove(ack.getCallId());
        if (again != null) {
            again.getValue().send(again.getKey(), (message, cause) -> { });
        }
    }

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
    }

    @Override
    public void timeout(Transaction transaction) {
    }

    @Override
    public void transportError(Transaction transaction, Throwable cause) {
    }

    @Override
    public void close() {
        stack.close();
    }

    static Duration wait(int seconds) {
        return Duration.ofSeconds(seconds);
    }
}
