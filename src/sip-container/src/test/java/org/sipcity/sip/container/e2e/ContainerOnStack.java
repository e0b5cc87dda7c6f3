package org.sipcity.sip.container.e2e;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sipcity.sip.container.api.SipContainer;
import org.sipcity.sip.container.api.SipContainerConfig;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.stack.core.SipStack;
import org.sipcity.stack.core.SipStackConfig;
import org.sipcity.stack.transaction.TransactionConfig;
import org.sipcity.stack.transport.SipConnector;
import org.sipcity.stack.transport.SipConnectorConfig;
import org.sipcity.stack.transport.TransportType;

/**
 * One container on a real stack for a test class: two workers, one application deployed, one connector on a free
 * loopback port; started before the class's tests and closed after them. Register it as a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ContainerOnStack server = new ContainerOnStack(TransportType.UDP, SipDeploymentInfo.builder("app")
 *         .classLoader(MyTest.class.getClassLoader()).addServlet(...).build());
 * </pre>
 *
 * or {@link #proxying} for the proxy servlet most end-to-end tests drive.
 */
final class ContainerOnStack implements BeforeAllCallback, AfterAllCallback {

    private final TransportType transport;
    private final SipDeploymentInfo application;
    private final SipContainerConfig config;
    private final SipStackConfig stackConfig;
    private SipContainer container;
    private SipStack stack;
    private SipConnector connector;

    ContainerOnStack(TransportType transport, SipDeploymentInfo application) {
        this(transport, application, SipContainerConfig.defaults().withWorkers(2, 100));
    }

    /** The same with the container's settings of the test. */
    ContainerOnStack(TransportType transport, SipDeploymentInfo application, SipContainerConfig config) {
        this(transport, application, config, SipStackConfig.defaults());
    }

    /** The same on a stack of the test's settings (one event loop, say). */
    ContainerOnStack(TransportType transport, SipDeploymentInfo application, SipContainerConfig config,
                     SipStackConfig stackConfig) {
        this.transport = transport;
        this.application = application;
        this.config = config;
        this.stackConfig = stackConfig;
    }

    /** The proxy of the end-to-end tests ({@link ProxyTestServlet}) as the one application. */
    static ContainerOnStack proxying(TransportType transport) {
        return new ContainerOnStack(transport, SipDeploymentInfo.builder("proxy")
                .classLoader(ContainerOnStack.class.getClassLoader())
                .addServlet(new SipServletInfo("proxy", ProxyTestServlet.class.getName(), 1, java.util.Map.of())).build());
    }

    /**
     * The proxy of the end-to-end tests declared inline, on a stack of one event loop: every connection, the ones it
     * opens included, is served by the loop that runs its tasks.
     */
    static ContainerOnStack inlineProxyOnOneLoop(TransactionConfig transactions) {
        return inlineProxyOnOneLoop(transactions, org.sipcity.sip.container.api.HostResolver.SYSTEM);
    }

    /** The same, resolving next hops' host names with {@code resolver}. */
    static ContainerOnStack inlineProxyOnOneLoop(TransactionConfig transactions,
                                                 org.sipcity.sip.container.api.HostResolver resolver) {
        return new ContainerOnStack(TransportType.TCP, SipDeploymentInfo.builder("inline-proxy")
                .classLoader(ContainerOnStack.class.getClassLoader())
                .contextParameter(org.sipcity.sip.container.api.DispatchMode.CONTEXT_PARAMETER, "inline")
                .addServlet(new SipServletInfo("proxy", ProxyTestServlet.class.getName(), 1, java.util.Map.of())).build(),
                SipContainerConfig.defaults().withWorkers(2, 100).withHostResolver(resolver),
                new SipStackConfig(org.sipcity.stack.transport.SipTransportsConfig.builder().eventLoopThreads(1).build(),
                        org.sipcity.stack.parser.ParserConfig.defaults(), transactions));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        container = new SipContainer(config);
        stack = new SipStack(stackConfig, container);
        container.bind(stack);
        container.deploy(application);
        connector = stack.start(SipConnectorConfig.builder(transport.name().toLowerCase(java.util.Locale.ROOT), transport)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (stack != null) {
            stack.close();
        }
        if (container != null) {
            container.close();
        }
    }

    SipStack stack() {
        return stack;
    }

    SipContainer container() {
        return container;
    }

    /** Where the connector listens (loopback, a port chosen by the system). */
    InetSocketAddress address() {
        return connector.localAddress();
    }

    int port() {
        return connector.localAddress().getPort();
    }
}
