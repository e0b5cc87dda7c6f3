package org.sipcity.loadgen;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.sipcity.interop.TinyResponder;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionUser;

/**
 * {@link TinyResponder} behind an RFC 7616 digest check: a REGISTER without valid credentials gets a 401 with one
 * challenge per offered algorithm (in the order given, preferred first, RFC 7616 §3.7); a valid one is passed on.
 * Passwords follow the generator's default pattern: user{@code N} has password{@code N}. The check is written
 * apart from the generator's {@link DigestAnswer} so the two cannot agree on the same mistake.
 */
final class DigestChallengingResponder implements TransactionUser {

    static final String REALM = "loadgen.test";

    private final TinyResponder registrar = new TinyResponder();
    private final List<String> algorithms;
    private final int minExpires;
    private final Set<String> issuedNonces = ConcurrentHashMap.newKeySet();
    final LongAdder challenged = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder intervalTooBrief = new LongAdder();
    /** Accepted REGISTERs with Expires: 0 (a binding removed). */
    final LongAdder removals = new LongAdder();
    final LongAdder otherRequests = new LongAdder();

    /** @param algorithms "MD5" and/or "SHA-256", preferred first */
    DigestChallengingResponder(List<String> algorithms) {
        this(algorithms, 0);
    }

    /** @param minExpires shorter registrations get 423 with this Min-Expires (RFC 3261 §10.3 step 7) */
    DigestChallengingResponder(List<String> algorithms, int minExpires) {
        this.algorithms = List.copyOf(algorithms);
        this.minExpires = minExpires;
    }

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        if (!SipMethod.REGISTER.equals(request.getMethod())) {
            otherRequests.increment();
            registrar.requestReceived(transaction, request);
            return;
        }
        String authorization = request.getHeader(HeaderName.AUTHORIZATION);
        if (authorization != null && valid(authorization, request)) {
            accepted.increment();
            String expires = request.getHeader(HeaderName.EXPIRES);
            if ("0".equals(expires)) {
                removals.increment();
            }
            if (expires != null && Integer.parseInt(expires) != 0 && Integer.parseInt(expires) < minExpires) { // 0: removal
                intervalTooBrief.increment();
                SipResponse tooBrief = request.createResponse(423, "Interval Too Brief");
                tooBrief.setHeader(HeaderName.MIN_EXPIRES, Integer.toString(minExpires));
                send(transaction, tooBrief);
                return;
            }
            registrar.requestReceived(transaction, request);
            return;
        }
        if (authorization != null) {
            rejected.increment();
        }
        challenged.increment();
        SipResponse challenge = request.createResponse(401, "Unauthorized");
        String nonce = UUID.randomUUID().toString();
        issuedNonces.add(nonce);
        for (String algorithm : algorithms) {
            challenge.addHeader(HeaderName.WWW_AUTHENTICATE, "Digest realm=\"" + REALM + "\", nonce=\"" + nonce
                    + "\", qop=\"auth\", algorithm=" + algorithm + ", opaque=\"op-" + nonce.substring(0, 8) + "\"");
        }
        send(transaction, challenge);
    }

    private static void send(ServerTransaction transaction, SipResponse response) {
        response.setHeader(HeaderName.TO, response.getHeader(HeaderName.TO) + ";tag="
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        transaction.sendResponse(response);
    }

    private boolean valid(String authorization, SipRequest request) {
        if (!authorization.startsWith("Digest ")) {
            return false;
        }
        Map<String, String> p = DigestChallenge.authParams(authorization.substring(7));
        String user = p.get("username");
        String algorithm = p.getOrDefault("algorithm", "MD5");
        if (user == null || !user.startsWith("user") || !issuedNonces.contains(p.get("nonce"))
                || !algorithms.contains(algorithm) || !"auth".equals(p.get("qop"))
                || !request.getRequestUri().toString().equals(p.get("uri"))) {
            return false;
        }
        String password = "password" + user.substring(4);
        String ha1 = hex(algorithm, user + ":" + REALM + ":" + password);
        String ha2 = hex(algorithm, "REGISTER:" + p.get("uri"));
        String expected = hex(algorithm, ha1 + ":" + p.get("nonce") + ":" + p.get("nc") + ":" + p.get("cnonce")
                + ":auth:" + ha2);
        return expected.equals(p.get("response"));
    }

    private static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        registrar.cancelReceived(transaction, cancel, target);
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        registrar.ackReceived(ack, channel, accepted);
    }

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
        registrar.responseReceived(transaction, response);
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
        registrar.strayResponse(response, channel);
    }

    @Override
    public void timeout(Transaction transaction) {
        registrar.timeout(transaction);
    }

    @Override
    public void transportError(Transaction transaction, Throwable cause) {
        registrar.transportError(transaction, cause);
    }
}
