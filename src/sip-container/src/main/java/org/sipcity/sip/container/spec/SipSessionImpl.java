package org.sipcity.sip.container.spec;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.servlet.sip.Address;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.SipSessionBindingEvent;
import javax.servlet.sip.SipSessionBindingListener;
import javax.servlet.sip.URI;
import javax.servlet.sip.ar.SipApplicationRoutingRegion;
import org.sipcity.sip.container.core.ApplicationListeners;
import org.sipcity.sip.container.core.DialogKey;
import org.sipcity.sip.container.core.DialogTable;
import org.sipcity.sip.container.core.SipApplication;
import org.sipcity.stack.address.CSeq;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.Uri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipMessage;
import org.sipcity.stack.message.SipMethod;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.parser.SipParseException;

/**
 * A SIP session (JSR 289 {@link SipSession}): one side of a dialog (RFC 3261 §12), or of a single transaction for
 * requests that create none (REGISTER, OPTIONS, MESSAGE...).
 *
 * <p>States follow JSR 289 §6.2.1: INITIAL until a dialog-creating request gets a provisional response with a tag
 * (EARLY) or a 2xx (CONFIRMED); TERMINATED after a failure of the initial request, a BYE, or — for requests that
 * create no dialog — the final response, which makes the session ready to invalidate so the container frees it.
 *
 * <p>Used by the worker of its application session; fields read from other threads are volatile.
 */
public final class SipSessionImpl implements SipSession {

    /** Methods that create a dialog: INVITE (RFC 3261 §12.1), SUBSCRIBE (RFC 6665 §4.1.2.1), REFER (RFC 3515 §2.4.4). */
    private static final Set<SipMethod> DIALOG_CREATING = Set.of(SipMethod.INVITE, SipMethod.SUBSCRIBE, SipMethod.REFER);

    /** The random part of the id; the id itself is made when first asked for, which the registrar never does. */
    private final long idSuffix;
    /** Made once on demand; a String is immutable, so a racing second thread makes an equal one. */
    private String id;
    private final SipApplicationSessionImpl applicationSession;
    private final String callId;
    private final boolean uac;
    private final long creationTime = System.currentTimeMillis();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile long lastAccessedTime = creationTime;
    private volatile State state = State.INITIAL;
    private volatile boolean valid = true;
    private volatile boolean invalidateWhenReady = true;
    private volatile String handler;
    private NameAddress localParty;
    private NameAddress remoteParty;
    private String localTag;
    private String remoteTag;
    private long localSequence;
    private Uri remoteTarget;
    private List<String> routeSet = List.of();
    private DialogKey dialogKey;
    /** The dialog this session's proxy record-routed (caller's tag, callee's tag), or null. */
    private DialogKey proxiedDialogKey;
    /**
     * The further dialogs of a forked INVITE answered 2xx by more than one branch (RFC 3261 §16.7 step 5), or null:
     * nearly every call has one dialog, so the list is made only for the second.
     */
    private List<DialogKey> moreProxiedDialogs;
    private SipApplicationRoutingRegion region;
    private URI subscriberUri;
    private InetSocketAddress outboundInterface;
    private volatile SuccessRetransmitter awaitingAck;

    private SipSessionImpl(SipApplicationSessionImpl applicationSession, String callId, boolean uac,
                           NameAddress localParty, NameAddress remoteParty) {
        this.idSuffix = ThreadLocalRandom.current().nextLong();
        this.applicationSession = applicationSession;
        this.callId = callId;
        this.uac = uac;
        this.localParty = localParty;
        this.remoteParty = remoteParty;
    }

    /** The UAS side of a received initial request. */
    public static SipSessionImpl forReceived(SipApplicationSessionImpl applicationSession, SipRequest request) {
        SipSessionImpl session = new SipSessionImpl(applicationSession, request.getCallId(), false,
                request.getTo(), request.getFrom());
        session.remoteTag = request.getFromTag();
        session.localSequence = ThreadLocalRandom.current().nextLong(1, 1L << 30);
        applicationSession.addSession(session);
        return session;
    }

    /** The UAC side of a request the application creates; {@code from} carries our tag. */
    public static SipSessionImpl forSent(SipApplicationSessionImpl applicationSession, SipRequest request) {
        SipSessionImpl session = new SipSessionImpl(applicationSession, request.getCallId(), true,
                request.getFrom(), request.getTo());
        session.localTag = request.getFromTag();
        session.localSequence = request.getCSeq().sequence();
        applicationSession.addSession(session);
        return session;
    }

    /** Whether {@code method} creates a dialog (and so needs a Contact, RFC 3261 §8.1.1.8 / §12.1.1). */
    public static boolean createsDialog(SipMethod method) {
        return DIALOG_CREATING.contains(method);
    }

    public SipApplication application() {
        return applicationSession.application();
    }

    public SipApplicationSessionImpl applicationSession() {
        return applicationSession;
    }

    /** Our tag: the From tag of a UAC, or the To tag the UAS puts in its responses (RFC 3261 §8.2.6.2, §19.3). */
    public synchronized String localTag() {
        if (localTag == null) {
            localTag = Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 62);
        }
        return localTag;
    }

    public void access() {
        lastAccessedTime = System.currentTimeMillis();
    }

    public boolean isUac() {
        return uac;
    }

    // ---- dialog state -----------------------------------------------------------------------------------------

    /** The application sent {@code response} for a request of this session. */
    void responseSent(SipServletResponseImpl response) {
        int status = response.getStatus();
        SipServletRequestImpl request = response.request();
        if (request.isInitial() && DIALOG_CREATING.contains(request.method())) {
            if (status > 100 && status < 300) {
                establish(request.stackMessage(), status < 200 ? State.EARLY : State.CONFIRMED, false);
            } else if (status >= 300 && state != State.CONFIRMED) {
                terminate();
            }
        } else if (status >= 200) {
            finishTransaction(request.method(), request.isInitial(), status);
        }
    }

    /** A response arrived for a request this session sent. */
    public void responseReceived(SipServletResponseImpl response) {
        int status = response.getStatus();
        SipServletRequestImpl request = response.request();
        if (request.isInitial() && DIALOG_CREATING.contains(request.method())) {
            if (status > 100 && status < 300 && response.stackMessage().getToTag() != null) {
                remoteTag = response.stackMessage().getToTag();
                establish(response.stackMessage(), status < 200 ? State.EARLY : State.CONFIRMED, true);
            } else if (status >= 300 && state != State.CONFIRMED) {
                terminate();
            }
        } else if (status >= 200) {
            finishTransaction(request.method(), request.isInitial(), status);
        }
    }

    /**
     * A proxy forwarded the final response of this session's initial request. A dialog set up through us with our
     * Record-Route keeps the session CONFIRMED until a BYE of it passes ({@link #proxiedDialogEnded}); without our
     * Record-Route we are out of the dialog (RFC 3261 §16.6 step 4), so the session ends with the transaction.
     */
    void proxied(SipMethod method, int status, String calleeTag, boolean recordRouted) {
        if (status < 300 && DIALOG_CREATING.contains(method) && recordRouted && calleeTag != null) {
            confirmProxied(calleeTag);
        } else {
            terminate();
        }
    }

    private synchronized void confirmProxied(String calleeTag) {
        if (state == State.TERMINATED || proxiedDialogKey != null) {
            return;
        }
        state = State.CONFIRMED;
        proxiedDialogKey = new DialogKey(callId, remoteTag, calleeTag);
        application().runtime().dialogs().registerProxied(proxiedDialogKey, this);
    }

    /**
     * Another branch of this session's forked INVITE answered 2xx, with {@code calleeTag}, after the first 2xx went
     * upstream: a further dialog through us (RFC 3261 §16.7 step 5, §13.2.2.4; JSR 289 §10.2.4 forwards every 2xx).
     * Its ACK and BYE then run in this session's queue like the first dialog's, and the session stays CONFIRMED until
     * every dialog it proxies has ended.
     */
    synchronized void proxiedAnother(String calleeTag) {
        if (state == State.TERMINATED || calleeTag == null) {
            return;
        }
        if (proxiedDialogKey == null) {
            confirmProxied(calleeTag);
            return;
        }
        DialogKey key = new DialogKey(callId, remoteTag, calleeTag);
        if (key.equals(proxiedDialogKey) || (moreProxiedDialogs != null && moreProxiedDialogs.contains(key))) {
            return;
        }
        if (moreProxiedDialogs == null) {
            moreProxiedDialogs = new ArrayList<>(2);
        }
        moreProxiedDialogs.add(key);
        application().runtime().dialogs().registerProxied(key, this);
    }

    /**
     * A BYE of a dialog this session proxies got its final response: that dialog is over (RFC 3261 §15); the session
     * ends with its last dialog. The tags are the BYE's, from either side.
     */
    public synchronized void proxiedDialogEnded(String byeCallId, String fromTag, String toTag) {
        if (moreProxiedDialogs == null) {
            terminate();
            return;
        }
        DialogKey fromCaller = new DialogKey(byeCallId, fromTag, toTag);
        DialogKey fromCallee = new DialogKey(byeCallId, toTag, fromTag);
        DialogKey ended = moreProxiedDialogs.contains(fromCaller) || fromCaller.equals(proxiedDialogKey) ? fromCaller
                : fromCallee;
        DialogTable dialogs = application().runtime().dialogs();
        if (ended.equals(proxiedDialogKey)) {
            dialogs.unregisterProxied(proxiedDialogKey, this);
            proxiedDialogKey = moreProxiedDialogs.remove(0);
        } else if (moreProxiedDialogs.remove(ended)) {
            dialogs.unregisterProxied(ended, this);
        }
        if (moreProxiedDialogs.isEmpty()) {
            moreProxiedDialogs = null;
        }
    }

    private void finishTransaction(SipMethod method, boolean initial, int status) {
        if (initial && !DIALOG_CREATING.contains(method)) {
            terminate();   // a request that creates no dialog: its session ends with the transaction
        } else if (SipMethod.BYE.equals(method) && status < 300) {
            terminate();   // RFC 3261 §15: the dialog ends
        }
    }

    /**
     * RFC 3261 §12.1.1 (UAS) and §12.1.2 (UAC): the remote target is the Contact of the message from the peer, the
     * route set its Record-Route (reversed at the UAC).
     */
    private synchronized void establish(SipMessage fromPeerOrRequest, State newState, boolean atUac) {
        if (state == State.TERMINATED) {
            return;
        }
        state = newState;
        String contact = fromPeerOrRequest.getHeader(HeaderName.CONTACT);
        if (contact != null) {
            try {
                remoteTarget = NameAddress.parse(contact).uri();
            } catch (SipParseException e) {
                remoteTarget = null;   // an unusable Contact: createRequest reports it
            }
        }
        List<String> recordRoute = new ArrayList<>(fromPeerOrRequest.getHeaders(HeaderName.RECORD_ROUTE));
        if (atUac) {
            Collections.reverse(recordRoute);
        }
        routeSet = List.copyOf(recordRoute);
        if (dialogKey == null) {
            dialogKey = new DialogKey(callId, localTag(), remoteTag);
            application().runtime().dialogs().register(dialogKey, this);
        }
    }

    private synchronized void terminate() {
        state = State.TERMINATED;
        if (dialogKey != null) {
            application().runtime().dialogs().unregister(dialogKey, this);
        }
        if (proxiedDialogKey != null) {
            application().runtime().dialogs().unregisterProxied(proxiedDialogKey, this);
        }
        if (moreProxiedDialogs != null) {
            for (DialogKey key : moreProxiedDialogs) {
                application().runtime().dialogs().unregisterProxied(key, this);
            }
        }
    }

    /** RFC 3261 §13.3.1.4: retransmit the 2xx until the ACK; without one, tell the SipErrorListeners (JSR 289 §6.4.1). */
    void retransmitUntilAck(SipServletResponseImpl response) {
        org.sipcity.sip.container.core.ContainerRuntime runtime = application().runtime();
        org.sipcity.stack.transaction.TransactionConfig timers = runtime.stack().transactions().config();
        awaitingAck = SuccessRetransmitter.start(runtime.timer(), response.request().serverTransaction(),
                response.stackMessage(), timers.t1(), timers.t2(), () -> applicationSession.queue().submit(() -> {
                    try (org.sipcity.sip.container.core.ApplicationThreadContext.Scope scope =
                                 application().threadContext().enter()) {
                        application().listeners().noAckReceived(
                                new javax.servlet.sip.SipErrorEvent(response.request(), response));
                    }
                }, false));
    }

    /** The ACK for our 2xx arrived (on an event loop): stop retransmitting. */
    public void ackReceived() {
        SuccessRetransmitter pending = awaitingAck;
        if (pending != null) {
            pending.acknowledged();
            awaitingAck = null;
        }
    }

    // ---- requests in the dialog -------------------------------------------------------------------------------

    /** RFC 3261 §12.2.1.1: a request within the dialog. */
    @Override
    public SipServletRequest createRequest(String method) {
        checkValid();
        SipMethod m = SipMethod.of(method);
        if (SipMethod.ACK.equals(m) || SipMethod.CANCEL.equals(m)) {
            throw new IllegalArgumentException(method + " is created from the response or request it belongs to"
                    + " (createAck, createCancel), not from the session");
        }
        if (state != State.EARLY && state != State.CONFIRMED) {
            throw new IllegalStateException("A request is created in a dialog that is early or confirmed; this session is "
                    + state);
        }
        return new SipServletRequestImpl(inDialog(m, nextSequence()), this, false);
    }

    /** RFC 3261 §13.2.2.4: the ACK for a 2xx, with the CSeq number of the INVITE. */
    SipServletRequestImpl createAck(SipServletResponseImpl response) {
        SipRequest ack = inDialog(SipMethod.ACK, response.stackMessage().getCSeq().sequence());
        return new SipServletRequestImpl(ack, this, false);
    }

    private synchronized long nextSequence() {
        return ++localSequence;
    }

    private synchronized SipRequest inDialog(SipMethod method, long sequence) {
        if (remoteTarget == null) {
            throw new IllegalStateException("The dialog has no usable remote target (no valid Contact was received)");
        }
        SipRequest request = SipRequest.create(method, remoteTarget);
        request.setHeader(HeaderName.FROM, localParty.withTag(localTag()).toString());
        NameAddress to = remoteTag == null ? remoteParty : remoteParty.withTag(remoteTag);
        request.setHeader(HeaderName.TO, to.toString());
        request.setHeader(HeaderName.CALL_ID, callId);
        request.setHeader(HeaderName.CSEQ, new CSeq(sequence, method).toString());
        request.setHeader(HeaderName.MAX_FORWARDS, "70");
        for (String route : routeSet) {
            request.addHeader(HeaderName.ROUTE, route);
        }
        return request;
    }

    // ---- JSR 289 SipSession -----------------------------------------------------------------------------------

    @Override
    public SipApplicationSession getApplicationSession() {
        return applicationSession;
    }

    @Override
    public String getId() {
        String made = id;
        if (made == null) {
            id = made = applicationSession.getId() + ";" + Long.toHexString(idSuffix);
        }
        return made;
    }

    @Override
    public String getCallId() {
        return callId;
    }

    @Override
    public long getCreationTime() {
        return creationTime;
    }

    @Override
    public long getLastAccessedTime() {
        return lastAccessedTime;
    }

    @Override
    public Address getLocalParty() {
        return new AddressImpl(localTag == null ? localParty : localParty.withTag(localTag));
    }

    @Override
    public Address getRemoteParty() {
        return new AddressImpl(remoteTag == null ? remoteParty : remoteParty.withTag(remoteTag));
    }

    @Override
    public State getState() {
        checkValid();
        return state;
    }

    @Override
    public ServletContext getServletContext() {
        return application().servletContext();
    }

    @Override
    public SipApplicationRoutingRegion getRegion() {
        checkValid();
        return region;
    }

    @Override
    public URI getSubscriberURI() {
        checkValid();
        return subscriberUri;
    }

    public void setRouting(SipApplicationRoutingRegion region, URI subscriberUri) {
        this.region = region;
        this.subscriberUri = subscriberUri;
    }

    @Override
    public void setHandler(String name) throws ServletException {
        checkValid();
        if (!application().hasServlet(name)) {
            throw new ServletException("No SIP servlet named '" + name + "' in application " + application().name());
        }
        handler = name;
    }

    /** The servlet that handles this session's messages, or null for the main servlet. */
    public String handler() {
        return handler;
    }

    @Override
    public void setOutboundInterface(InetAddress address) {
        checkValid();
        outboundInterface = new InetSocketAddress(address, 0);
    }

    @Override
    public void setOutboundInterface(InetSocketAddress address) {
        checkValid();
        outboundInterface = address;
    }

    public InetSocketAddress outboundInterface() {
        return outboundInterface;
    }

    // ---- attributes -------------------------------------------------------------------------------------------

    @Override
    public Object getAttribute(String name) {
        checkValid();
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        checkValid();
        return Collections.enumeration(List.copyOf(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        checkValid();
        if (name == null || value == null) {
            throw new NullPointerException("attribute name and value");
        }
        Object old = attributes.put(name, value);
        ApplicationListeners listeners = application().listeners();
        SipSessionBindingEvent event = new SipSessionBindingEvent(this, name);
        if (old != value && value instanceof SipSessionBindingListener bound) {
            bound.valueBound(event);
        }
        if (old != null && old != value && old instanceof SipSessionBindingListener unbound) {
            unbound.valueUnbound(event);
        }
        listeners.sipSessionAttributeChanged(event, old == null);
    }

    @Override
    public void removeAttribute(String name) {
        checkValid();
        Object old = attributes.remove(name);
        if (old != null) {
            SipSessionBindingEvent event = new SipSessionBindingEvent(this, name);
            if (old instanceof SipSessionBindingListener unbound) {
                unbound.valueUnbound(event);
            }
            application().listeners().sipSessionAttributeRemoved(event);
        }
    }

    // ---- life cycle -------------------------------------------------------------------------------------------

    @Override
    public boolean isValid() {
        return valid;
    }

    @Override
    public boolean getInvalidateWhenReady() {
        checkValid();
        return invalidateWhenReady;
    }

    @Override
    public void setInvalidateWhenReady(boolean value) {
        checkValid();
        invalidateWhenReady = value;
    }

    /** JSR 289 §6.2.4.1.2: ready when the session is TERMINATED. */
    @Override
    public boolean isReadyToInvalidate() {
        checkValid();
        return state == State.TERMINATED;
    }

    @Override
    public void invalidate() {
        checkValid();
        valid = false;
        terminate();
        application().listeners().sipSessionDestroyed(this);
        if (!attributes.isEmpty()) {
            for (String name : List.copyOf(attributes.keySet())) {
                Object old = attributes.remove(name);
                if (old instanceof SipSessionBindingListener unbound) {
                    unbound.valueUnbound(new SipSessionBindingEvent(this, name));
                }
            }
        }
        applicationSession.removeSession(this);
    }

    private void checkValid() {
        if (!valid) {
            throw new IllegalStateException("The SIP session " + getId() + " was invalidated");
        }
    }

    @Override
    public String toString() {
        return "SipSession[" + getId() + ", " + callId + ", " + state + "]";
    }
}
