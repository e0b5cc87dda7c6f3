package org.sipcity.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.parser.SipParseException;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionUser;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * The smallest useful transaction user on the stack, for interoperability tests and load generators: answers
 * REGISTER with 200 OK echoing each Contact with its expiry (no location service behind it), OPTIONS with 200 OK
 * and the methods it allows, CANCEL as RFC 3261 §9.2 says, and anything else with 405. Runs all of it on the
 * event loop: nothing here blocks.
 *
 * <p>Run by hand: {@code java -cp ... org.sipcity.interop.TinyResponder [address] [port]} listens on UDP and TCP.
 */
public final class TinyResponder implements TransactionUser {

    static final String ALLOW = "REGISTER, OPTIONS, CANCEL, ACK";
    private static final Logger LOG = Logger.getLogger(TinyResponder.class);
    private static final int DEFAULT_EXPIRES = 3600;
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT);

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        SipMethod method = request.getMethod();
        SipResponse response;
        if (SipMethod.REGISTER.equals(method)) {
            response = registered(request);
        } else if (SipMethod.OPTIONS.equals(method)) {
            response = request.createResponse(200, "OK");
            response.setHeader(HeaderName.ALLOW, ALLOW);
            response.setHeader(HeaderName.ACCEPT, "application/sdp");
        } else {
            response = request.createResponse(405, "Method Not Allowed");
            response.setHeader(HeaderName.ALLOW, ALLOW);
        }
        send(transaction, response);
    }

    /** 200 OK listing each Contact with the expiry it asked for (RFC 3261 §10.3 step 8), or 400 for a bad Contact. */
    private static SipResponse registered(SipRequest request) {
        int defaultExpires = headerExpires(request);
        SipResponse response = request.createResponse(200, "OK");
        try {
            for (String contact : request.getHeaders(HeaderName.CONTACT)) {
                NameAddress address = NameAddress.parse(contact);
                if (address.isWildcard()) {
                    continue; // "*": every binding removed; nothing to list
                }
                String expires = address.parameters().get("expires");
                int seconds = expires != null ? Integer.parseInt(expires) : defaultExpires;
                response.addHeader(HeaderName.CONTACT, address.withParameter("expires", Integer.toString(seconds)).toString());
            }
        } catch (SipParseException | NumberFormatException bad) {
            return request.createResponse(400, "Bad Request - Invalid Contact");
        }
        response.setHeader(HeaderName.DATE, RFC_1123.format(ZonedDateTime.now(ZoneOffset.UTC)));
        return response;
    }

    private static int headerExpires(SipRequest request) {
        String expires = request.getHeader(HeaderName.EXPIRES);
        try {
            return expires == null ? DEFAULT_EXPIRES : Integer.parseInt(expires.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_EXPIRES;
        }
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        if (target == null) {
            send(transaction, cancel.createResponse(481, "Call/Transaction Does Not Exist"));
            return;
        }
        send(transaction, cancel.createResponse(200, "OK"));
        send(target, target.request().createResponse(487, "Request Terminated"));
    }

    private static void send(ServerTransaction transaction, SipResponse response) {
        if (response.getStatus() > 100 && response.getToTag() == null) {
            response.setHeader(HeaderName.TO, response.getHeader(HeaderName.TO) + ";tag="
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }
        transaction.sendResponse(response);
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        // nothing is ever accepted with a 2xx to INVITE here
    }

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
        // sends no requests
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
        LOG.debugf("Stray %d response dropped", response.getStatus());
    }

    @Override
    public void timeout(Transaction transaction) {
        LOG.debugf("Transaction timed out: %s", transaction);
    }

    @Override
    public void transportError(Transaction transaction, Throwable cause) {
        LOG.debugf("Transport error in %s: %s", transaction, cause.getMessage());
    }

    /** Starts a stack with this responder on UDP and TCP at the given address and port; stops on Ctrl-C. */
    public static void main(String[] args) throws IOException, InterruptedException {
        InetAddress address = InetAddress.getByName(args.length > 0 ? args[0] : "127.0.0.1");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 5060;
        SipStack stack = new SipStack(SipStackConfig.defaults(), new TinyResponder());
        stack.start(SipConnectorConfig.builder("udp", TransportType.UDP).bindAddress(new InetSocketAddress(address, port)).build());
        stack.start(SipConnectorConfig.builder("tcp", TransportType.TCP).bindAddress(new InetSocketAddress(address, port)).build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
