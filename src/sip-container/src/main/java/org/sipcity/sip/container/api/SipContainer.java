package org.sipcity.sip.container.api;

import java.util.Set;
import jakarta.servlet.ServletContext;
import org.sipcity.sip.container.core.ContainerCore;
import org.sipcity.sip.container.core.SipApplication;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.message.SipResponse;
import org.sipcity.stack.timer.SipTimer;
import org.sipcity.stack.timer.WheelTimer;
import org.sipcity.stack.transaction.ClientTransaction;
import org.sipcity.stack.transaction.InviteServerTransaction;
import org.sipcity.stack.transaction.ServerTransaction;
import org.sipcity.stack.transaction.Transaction;
import org.sipcity.stack.transaction.TransactionChannel;
import org.sipcity.stack.transaction.TransactionUser;

/**
 * A SIP servlet container (JSR 289) on a SIP City {@link SipStack}: deploy applications, give the container to the
 * stack as its transaction user, bind the stack back, start connectors.
 *
 * <pre>{@code
 * SipContainer container = new SipContainer(SipContainerConfig.defaults());
 * SipStack stack = new SipStack(SipStackConfig.defaults(), container);
 * container.bind(stack);
 * container.deploy(SipDeploymentInfo.builder("registrar").addServlet(new SipServletInfo("r", Registrar.class.getName())).build());
 * stack.start(SipConnectorConfig.builder("udp", TransportType.UDP).bindAddress(...).build());
 * }</pre>
 *
 * <p>Stack callbacks run on event loops and only queue work; servlet code runs on the container's bounded worker pool,
 * one message of an application session at a time. {@link #metrics()} shows that queue to an overload valve.
 */
public final class SipContainer implements TransactionUser, AutoCloseable {

    private final ContainerCore core;
    private final TransactionUser dispatcher;
    private final WheelTimer ownTimer;

    /** A container with its own timer wheel for session expiry and servlet timers. */
    public SipContainer(SipContainerConfig config) {
        this(config, new WheelTimer(), true);
    }

    /** A container on {@code timer} (a shared wheel, or a simulated clock in tests), which the caller closes. */
    public SipContainer(SipContainerConfig config, SipTimer timer) {
        this(config, timer, false);
    }

    private SipContainer(SipContainerConfig config, SipTimer timer, boolean owned) {
        this.core = new ContainerCore(config, timer);
        this.dispatcher = core.transactionUser();
        this.ownTimer = owned ? (WheelTimer) timer : null;
    }

    /** The stack this container answers for and sends through; call once, before its connectors start. */
    public void bind(SipStack stack) {
        core.runtime().bind(stack);
    }

    /**
     * Deploys an application: its servlets are created and initialised now.
     *
     * @throws SipDeploymentException naming the application and the fault; nothing stays deployed
     */
    public void deploy(SipDeploymentInfo info) throws SipDeploymentException {
        core.deploy(info);
    }

    /** Invalidates the application's sessions and destroys its servlets; false if none has that name. */
    public boolean undeploy(String applicationName) {
        return core.undeploy(applicationName);
    }

    public Set<String> applicationNames() {
        return core.applicationNames();
    }

    /** The servlet context of a deployed application (where SipFactory and TimerService are published), or null. */
    public ServletContext servletContext(String applicationName) {
        SipApplication application = core.application(applicationName);
        return application == null ? null : application.servletContext();
    }

    /** Live application sessions of a deployed application (0 if none has that name). */
    public int applicationSessions(String applicationName) {
        SipApplication application = core.application(applicationName);
        return application == null ? 0 : application.sessions().size();
    }

    /** Where a deployed application's code runs (null if none has that name): inline only if declared and allowed. */
    public DispatchMode dispatchMode(String applicationName) {
        SipApplication application = core.application(applicationName);
        return application == null ? null : application.dispatchMode();
    }

    /** What a deployed application's sip.xml declares (null if none has that name), whatever the settings allow. */
    public DispatchMode declaredDispatchMode(String applicationName) {
        SipApplication application = core.application(applicationName);
        return application == null ? null : application.declaredDispatchMode();
    }

    /** The worker queue, for the overload valve and the management model. */
    public DispatchMetrics metrics() {
        return core.runtime().workers();
    }

    /** Undeploys every application and stops the workers (and the timer, if the container made it). */
    @Override
    public void close() {
        try {
            core.close();
        } finally {
            if (ownTimer != null) {
                ownTimer.close();
            }
        }
    }

    // ---- TransactionUser: the stack's callbacks, handed to the dispatcher -------------------------------------

    @Override
    public void requestReceived(ServerTransaction transaction, SipRequest request) {
        dispatcher.requestReceived(transaction, request);
    }

    @Override
    public void cancelReceived(ServerTransaction transaction, SipRequest cancel, InviteServerTransaction target) {
        dispatcher.cancelReceived(transaction, cancel, target);
    }

    @Override
    public void ackReceived(SipRequest ack, TransactionChannel channel, InviteServerTransaction accepted) {
        dispatcher.ackReceived(ack, channel, accepted);
    }

    @Override
    public void responseReceived(ClientTransaction transaction, SipResponse response) {
        dispatcher.responseReceived(transaction, response);
    }

    @Override
    public void acceptedResponseReceived(SipResponse response, Object attachment, TransactionChannel channel) {
        dispatcher.acceptedResponseReceived(response, attachment, channel);
    }

    @Override
    public void strayResponse(SipResponse response, TransactionChannel channel) {
        dispatcher.strayResponse(response, channel);
    }

    @Override
    public void timeout(Transaction transaction) {
        dispatcher.timeout(transaction);
    }

    @Override
    public void transportError(Transaction transaction, Throwable cause) {
        dispatcher.transportError(transaction, cause);
    }

    @Override
    public void transactionTerminated(Transaction transaction) {
        dispatcher.transactionTerminated(transaction);
    }
}
