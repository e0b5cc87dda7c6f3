package org.sipcity.sip.container.core;

import java.util.Set;
import javax.servlet.sip.ar.SipApplicationRouter;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.api.DispatchMode;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentException;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.stack.timer.SipTimer;
import org.sipcity.stack.transaction.TransactionUser;

/** The parts of a container wired together; {@code api.SipContainer} is its public face. */
public final class ContainerCore {

    private static final Logger LOG = Logger.getLogger(ContainerCore.class);

    private final ContainerRuntime runtime;
    private final ApplicationSelector selector;
    private final MessageDispatcher dispatcher;

    public ContainerCore(SipContainerConfig config, SipTimer timer) {
        this.runtime = new ContainerRuntime(config, timer);
        SipApplicationRouter router = config.applicationRouter();
        boolean ours = router == null;
        if (ours) {
            router = new DefaultApplicationRouter();
            router.init(config.routerProperties());
        }
        this.selector = new ApplicationSelector(router, ours);
        this.dispatcher = new MessageDispatcher(runtime, selector);
    }

    public ContainerRuntime runtime() {
        return runtime;
    }

    public TransactionUser transactionUser() {
        return dispatcher;
    }

    public synchronized void deploy(SipDeploymentInfo info) throws SipDeploymentException {
        if (selector.application(info.applicationName()) != null) {
            throw new SipDeploymentException("A SIP application named '" + info.applicationName() + "' is deployed already");
        }
        SipApplication application = SipApplication.deploy(info, runtime);
        selector.deployed(application);
        LOG.infof("Deployed SIP application %s (main servlet %s, dispatch %s, replay-safe methods %s)", application.name(),
                application.mainServlet(),
                application.dispatchMode() == DispatchMode.INLINE ? "inline on the event loops"
                        : application.declaredDispatchMode() == DispatchMode.INLINE
                        ? "on workers: declared inline, inline dispatch disabled by the container's settings" : "on workers",
                application.replaySafeMethods());
    }

    /** @return false if no application has that name */
    public synchronized boolean undeploy(String name) {
        SipApplication application = selector.undeployed(name);
        if (application == null) {
            return false;
        }
        application.undeploy();
        LOG.infof("Undeployed SIP application %s", name);
        return true;
    }

    public Set<String> applicationNames() {
        return Set.copyOf(selector.applications().keySet());
    }

    public SipApplication application(String name) {
        return selector.application(name);
    }

    public synchronized void close() {
        for (String name : applicationNames()) {
            undeploy(name);
        }
        selector.destroy();
        runtime.workers().close();
    }
}
