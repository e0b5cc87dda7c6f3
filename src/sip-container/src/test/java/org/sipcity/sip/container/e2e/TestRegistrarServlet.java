package org.sipcity.sip.container.e2e;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * A SIP application written only against javax.servlet.sip: a registrar without a location service (echoes the
 * Contacts), OPTIONS, and a dialog whose INFO requests record how many run at once. What it observes goes to static
 * fields the test reads (the container creates the instance).
 */
public class TestRegistrarServlet extends SipServlet {

    private static final long serialVersionUID = 1L;

    static final ConcurrentLinkedQueue<Thread> THREADS = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<String> INFO_ORDER = new ConcurrentLinkedQueue<>();
    static final AtomicInteger RUNNING_INFOS = new AtomicInteger();
    static final AtomicInteger MOST_INFOS_AT_ONCE = new AtomicInteger();
    static volatile CountDownLatch blockEntered = new CountDownLatch(1);
    static volatile CountDownLatch blockRelease = new CountDownLatch(1);
    static volatile String initParameter;

    @Override
    public void init() throws ServletException {
        initParameter = getInitParameter("greeting");
    }

    @Override
    protected void doRegister(SipServletRequest request) throws ServletException, IOException {
        THREADS.add(Thread.currentThread());
        SipServletResponse response = request.createResponse(SipServletResponse.SC_OK);
        int defaultExpires = request.getExpires() < 0 ? 3600 : request.getExpires();
        ListIterator<Address> contacts = request.getAddressHeaders("Contact");
        while (contacts.hasNext()) {
            Address contact = (Address) contacts.next().clone();
            if (contact.getExpires() < 0) {
                contact.setExpires(defaultExpires);
            }
            response.addAddressHeader("Contact", contact, false);
        }
        response.send();
    }

    /** What each OPTIONS saw of its endpoints, by Call-ID: "transport remoteAddr:remotePort localAddr:localPort". */
    static final ConcurrentHashMap<String, String> ENDPOINTS = new ConcurrentHashMap<>();

    @Override
    protected void doOptions(SipServletRequest request) throws ServletException, IOException {
        THREADS.add(Thread.currentThread());
        ENDPOINTS.put(request.getCallId(), request.getTransport() + " " + request.getRemoteAddr() + ":"
                + request.getRemotePort() + " " + request.getLocalAddr() + ":" + request.getLocalPort());
        if (request.getHeader("X-Fail") != null) {
            throw new IllegalStateException("the application fails on purpose");
        }
        if (request.getHeader("X-Block") != null) {
            blockEntered.countDown();
            try {
                if (!blockRelease.await(30, TimeUnit.SECONDS)) {
                    throw new ServletException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServletException(e);
            }
        }
        SipServletResponse response = request.createResponse(SipServletResponse.SC_OK);
        response.setHeader("Allow", "REGISTER, OPTIONS, INVITE, ACK, BYE, INFO");
        response.setHeader("X-Servlet-Init", String.valueOf(initParameter));
        response.setHeader("X-Popped-Route", String.valueOf(request.getPoppedRoute()));
        response.setHeader("X-Routes-Left", String.valueOf(request.getHeader("Route")));
        response.send();
    }

    static final ConcurrentLinkedQueue<String> CANCELLED = new ConcurrentLinkedQueue<>();

    /** Answers 200 at once, or with X-Ring only rings (180) and waits to be cancelled. */
    @Override
    protected void doInvite(SipServletRequest request) throws ServletException, IOException {
        if (request.getHeader("X-Ring") != null) {
            request.createResponse(SipServletResponse.SC_RINGING).send();
            return;
        }
        request.createResponse(SipServletResponse.SC_OK).send();
    }

    @Override
    protected void doCancel(SipServletRequest cancel) {
        CANCELLED.add(cancel.getCallId() + " " + cancel.getSession().getState());
    }

    /** The dialog is confirmed; with X-Hangup the application ends it at once with a BYE of its own. */
    @Override
    protected void doAck(SipServletRequest request) throws ServletException, IOException {
        if (request.getHeader("X-Hangup") != null) {
            request.getSession().createRequest("BYE").send();
        }
    }

    @Override
    protected void doInfo(SipServletRequest request) throws ServletException, IOException {
        int now = RUNNING_INFOS.incrementAndGet();
        MOST_INFOS_AT_ONCE.accumulateAndGet(now, Math::max);
        try {
            INFO_ORDER.add(request.getHeader("X-Seq"));
            Thread.sleep(20);   // stands for a blocking database call
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            RUNNING_INFOS.decrementAndGet();
        }
        request.createResponse(SipServletResponse.SC_OK).send();
    }

    @Override
    protected void doBye(SipServletRequest request) throws ServletException, IOException {
        request.createResponse(SipServletResponse.SC_OK).send();
    }

    static final ConcurrentLinkedQueue<String> UAC_RESPONSES = new ConcurrentLinkedQueue<>();

    /** Acts as a UAC: sends a MESSAGE of its own to the URI the request names, and accepts the request. */
    @Override
    protected void doMessage(SipServletRequest request) throws ServletException, IOException {
        SipFactory factory = (SipFactory) getServletContext().getAttribute(SIP_FACTORY);
        SipApplicationSession session = factory.createApplicationSession();
        SipServletRequest out = factory.createRequest(session, "MESSAGE", "<sip:registrar@example.com>",
                "<" + request.getHeader("X-Forward-To") + ">");
        out.setContent("forwarded: " + request.getContent(), "text/plain;charset=UTF-8");
        out.send();
        request.createResponse(SipServletResponse.SC_ACCEPTED).send();
    }

    @Override
    protected void doResponse(SipServletResponse response) throws ServletException, IOException {
        UAC_RESPONSES.add(response.getStatus() + " " + response.getMethod() + " " + Thread.currentThread().getName());
    }

    static List<Thread> threads() {
        return List.copyOf(THREADS);
    }
}
