package org.sipcity.sip.container.core;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EventListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletContextEvent;
import org.jboss.logging.Logger;
import org.sipcity.sip.container.api.ApplicationInitializer;
import org.sipcity.sip.container.api.DispatchMode;
import org.sipcity.sip.container.api.InstanceFactory;
import org.sipcity.sip.container.api.InstanceHandle;
import org.sipcity.sip.container.api.ReplaySafeMethods;
import org.sipcity.sip.container.api.SipDeploymentException;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;
import org.sipcity.sip.container.spec.SipFactoryImpl;
import org.sipcity.sip.container.spec.SipServletContextImpl;
import org.sipcity.sip.container.spec.SipSessionImpl;
import org.sipcity.sip.container.spec.SipSessionsUtilImpl;
import org.sipcity.sip.container.spec.TimerServiceImpl;

/**
 * A deployed SIP application: its servlets (created and initialised at deployment, so a broken one fails the
 * deployment rather than the first call), listeners, class loader, servlet context, sessions and the per-application
 * JSR 289 services published in the context (§3.2: SipFactory, TimerService, SipSessionsUtil).
 */
public final class SipApplication {

    private static final Logger LOG = Logger.getLogger(SipApplication.class);
    /** JSR 289 §3.2 / §7.3: what this container supports; RFC 3261 options tags applications may rely on. */
    private static final List<String> SUPPORTED_EXTENSIONS = List.of();
    private static final List<String> SUPPORTED_RFCS = List.of("3261", "3581", "5626", "6026");

    private final String name;
    private final ContainerRuntime runtime;
    private final ClassLoader classLoader;
    private final ApplicationThreadContext threadContext;
    private final SipServletContextImpl servletContext;
    private final ApplicationListeners listeners;
    private final SessionManager sessions;
    private final Map<String, ServletHolder> servlets = new LinkedHashMap<>();
    private final List<InstanceHandle<?>> listenerHandles = new ArrayList<>();
    private final String mainServlet;
    private final int sessionTimeoutMinutes;
    private final DispatchMode declaredDispatchMode;
    private final DispatchMode dispatchMode;
    private final ReplaySafeMethods replaySafeMethods;
    private java.lang.reflect.Method applicationKey;

    private SipApplication(SipDeploymentInfo info, ContainerRuntime runtime, String mainServlet, DispatchMode declared,
                           ReplaySafeMethods replaySafeMethods) {
        this.declaredDispatchMode = declared;
        this.replaySafeMethods = replaySafeMethods;
        // The operator's switch wins over the declaration: an application's database may be a network round trip away.
        this.dispatchMode = runtime.config().inlineDispatch() ? declared : DispatchMode.WORKER;
        this.name = info.applicationName();
        this.runtime = runtime;
        this.classLoader = info.classLoader();
        this.threadContext = new ApplicationThreadContext(classLoader, info.threadSetups());
        this.mainServlet = mainServlet;
        this.sessionTimeoutMinutes = info.sessionTimeoutMinutes();
        this.servletContext = new SipServletContextImpl(name, classLoader, info.contextParameters(), sessionTimeoutMinutes);
        this.listeners = new ApplicationListeners(name);
        this.sessions = new SessionManager(this);
    }

    /**
     * Checks the metadata, creates listeners and servlets, publishes the SIP services, initialises every servlet
     * (by load-on-startup order) and tells the SipServletListeners.
     */
    static SipApplication deploy(SipDeploymentInfo info, ContainerRuntime runtime) throws SipDeploymentException {
        String where = info.source() == null ? "SIP application " + info.applicationName()
                : "SIP application " + info.applicationName() + " (" + info.source() + ")";
        String main = mainServletOf(info, where);
        SipApplication app = new SipApplication(info, runtime, main, DispatchMode.declaredBy(info.contextParameters(), where),
                ReplaySafeMethods.declaredBy(info.contextParameters(), where));
        InstanceFactory factory = info.instanceFactory() == null ? ReflectionInstanceFactory.INSTANCE : info.instanceFactory();
        try (ApplicationThreadContext.Scope scope = app.threadContext.enter()) {
            app.applicationKey = applicationKeyOf(info, app.classLoader, where);
            app.publishServices();
            for (ApplicationInitializer initializer : info.initializers()) {
                initializer.onStartup(app.servletContext);
            }
            app.createListeners(info, factory, where);
            app.createServlets(info, factory, where);
            app.initServlets(where);
            return app;
        } catch (SipDeploymentException | RuntimeException e) {
            app.undeploy();
            throw e;
        }
    }

    /** JSR 289 §16.2: the main servlet named, or the only servlet; several servlets and none named is an error. */
    private static String mainServletOf(SipDeploymentInfo info, String where) throws SipDeploymentException {
        List<SipServletInfo> declared = info.servlets();
        if (declared.isEmpty()) {
            throw new SipDeploymentException(where + ": declares no SIP servlet");
        }
        Map<String, SipServletInfo> byName = new LinkedHashMap<>();
        for (SipServletInfo s : declared) {
            if (byName.put(s.name(), s) != null) {
                throw new SipDeploymentException(where + ": two servlets are named '" + s.name() + "'");
            }
        }
        if (info.mainServlet() != null) {
            if (!byName.containsKey(info.mainServlet())) {
                throw new SipDeploymentException(where + ": main-servlet '" + info.mainServlet()
                        + "' is not a declared servlet (declared: " + byName.keySet() + ")");
            }
            return info.mainServlet();
        }
        if (declared.size() > 1) {
            throw new SipDeploymentException(where + ": declares " + declared.size() + " servlets " + byName.keySet()
                    + " but no main-servlet (JSR 289 §16.2: name one in servlet-selection or @SipApplication(mainServlet))");
        }
        return declared.get(0).name();
    }

    private static java.lang.reflect.Method applicationKeyOf(SipDeploymentInfo info, ClassLoader loader, String where)
            throws SipDeploymentException {
        if (info.applicationKeyClass() == null) {
            return null;
        }
        try {
            Class<?> type = Class.forName(info.applicationKeyClass(), false, loader);
            java.lang.reflect.Method method = type.getMethod(info.applicationKeyMethod(), javax.servlet.sip.SipServletRequest.class);
            if (!java.lang.reflect.Modifier.isStatic(method.getModifiers()) || method.getReturnType() != String.class) {
                throw new SipDeploymentException(where + ": @SipApplicationKey " + method + " must be static and return String");
            }
            return method;
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            throw new SipDeploymentException(where + ": @SipApplicationKey method " + info.applicationKeyClass() + "."
                    + info.applicationKeyMethod() + "(SipServletRequest) not found: " + e, e);
        }
    }

    /**
     * JSR 289 §15.11.2: the application session key of an initial request, or null when the application has no
     * {@code @SipApplicationKey} method or it returned null.
     *
     * @throws IllegalStateException carrying what the application's method threw
     */
    public String applicationKey(javax.servlet.sip.SipServletRequest request) {
        if (applicationKey == null) {
            return null;
        }
        try (ApplicationThreadContext.Scope scope = threadContext.enter()) {
            return (String) applicationKey.invoke(null, request);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException("@SipApplicationKey " + applicationKey.getName() + " failed: " + e.getCause(),
                    e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("@SipApplicationKey " + applicationKey.getName() + " is not accessible", e);
        }
    }

    private void publishServices() {
        servletContext.setAttribute(SipServlet.SIP_FACTORY, new SipFactoryImpl(this));
        servletContext.setAttribute(SipServlet.TIMER_SERVICE, new TimerServiceImpl(runtime.timer()));
        servletContext.setAttribute(SipServlet.SIP_SESSIONS_UTIL, new SipSessionsUtilImpl(this));
        servletContext.setAttribute(SipServlet.SUPPORTED, SUPPORTED_EXTENSIONS);
        servletContext.setAttribute(SipServlet.SUPPORTED_RFCs, SUPPORTED_RFCS);
        servletContext.setAttribute(SipServlet.PRACK_SUPPORTED, Boolean.FALSE);
    }

    private void createListeners(SipDeploymentInfo info, InstanceFactory factory, String where)
            throws SipDeploymentException {
        for (String className : info.listenerClasses()) {
            Class<?> type = load(className, where, "listener");
            InstanceHandle<?> handle = instantiate(factory, type, where, "listener");
            listenerHandles.add(handle);
            if (!(handle.instance() instanceof EventListener listener) || !listeners.add(listener)) {
                throw new SipDeploymentException(where + ": listener " + className
                        + " implements no SIP listener interface (javax.servlet.sip.*Listener)");
            }
        }
    }

    private void createServlets(SipDeploymentInfo info, InstanceFactory factory, String where)
            throws SipDeploymentException {
        for (SipServletInfo s : info.servlets()) {
            Class<?> type = load(s.className(), where, "servlet '" + s.name() + "'");
            if (!Servlet.class.isAssignableFrom(type)) {
                throw new SipDeploymentException(where + ": servlet '" + s.name() + "' class " + s.className()
                        + " is not a servlet (extend javax.servlet.sip.SipServlet)");
            }
            @SuppressWarnings("unchecked")
            InstanceHandle<? extends Servlet> handle =
                    (InstanceHandle<? extends Servlet>) instantiate(factory, type, where, "servlet '" + s.name() + "'");
            servlets.put(s.name(), new ServletHolder(s, servletContext, handle));
        }
        servletContext.namedDispatchers(name -> {
            ServletHolder holder = servlets.get(name);
            return holder == null ? null : new NamedSipDispatcher(holder);
        });
    }

    private void initServlets(String where) throws SipDeploymentException {
        List<ServletHolder> ordered = new ArrayList<>(servlets.values());
        // load-on-startup ascending, negative (unspecified) last; equal values keep declaration order.
        ordered.sort(Comparator.comparingInt(h -> h.loadOnStartup() < 0 ? Integer.MAX_VALUE : h.loadOnStartup()));
        for (ServletHolder holder : ordered) {
            try {
                holder.init();
            } catch (ServletException | RuntimeException e) {
                throw new SipDeploymentException(where + ": servlet '" + holder.getServletName() + "' failed in init: "
                        + e.getMessage(), e);
            }
            if (holder.servlet() instanceof SipServlet sipServlet) {
                listeners.servletInitialized(new SipServletContextEvent(servletContext, sipServlet));
            }
        }
    }

    private Class<?> load(String className, String where, String what) throws SipDeploymentException {
        try {
            return Class.forName(className, false, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SipDeploymentException(where + ": " + what + " class " + className + " cannot be loaded: " + e, e);
        }
    }

    private static InstanceHandle<?> instantiate(InstanceFactory factory, Class<?> type, String where, String what)
            throws SipDeploymentException {
        try {
            return factory.createInstance(type);
        } catch (Exception e) {
            throw new SipDeploymentException(where + ": " + what + " " + type.getName() + " cannot be created: " + e, e);
        }
    }

    /** Invalidates every session, destroys the servlets and releases the listeners; never throws. */
    void undeploy() {
        try (ApplicationThreadContext.Scope scope = threadContext.enter()) {
            try {
                sessions.invalidateAll();
            } catch (RuntimeException e) {
                LOG.errorf(e, "Invalidating the sessions of SIP application %s failed", name);
            }
            for (ServletHolder holder : servlets.values()) {
                try {
                    holder.destroy();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Servlet %s of SIP application %s failed in destroy", holder.getServletName(), name);
                }
            }
            for (InstanceHandle<?> handle : listenerHandles) {
                try {
                    handle.release();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Releasing a listener of SIP application %s failed", name);
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Entering the thread context of SIP application %s for its undeployment failed", name);
        }
    }

    /** The servlet for a message of {@code session}: its handler (JSR 289 §16.3) or the main servlet. */
    ServletHolder servletFor(SipSessionImpl session) {
        String handler = session == null ? null : session.handler();
        return servlets.get(handler == null ? mainServlet : handler);
    }

    public boolean hasServlet(String servletName) {
        return servlets.containsKey(servletName);
    }

    public String name() {
        return name;
    }

    /** Where this application's code runs: on workers, or inline on the event loops (declared, and not switched off). */
    public DispatchMode dispatchMode() {
        return dispatchMode;
    }

    /** The methods whose requests this application answers again without a second effect (its sip.xml declares them). */
    public ReplaySafeMethods replaySafeMethods() {
        return replaySafeMethods;
    }

    /** What the application's sip.xml declares, whatever the container's switch says. */
    public DispatchMode declaredDispatchMode() {
        return declaredDispatchMode;
    }

    /** A queue for a new application session: it runs tasks inline on the event loops if this application is inline. */
    public SerialQueue newQueue() {
        WorkerPool workers = runtime.workers();
        return dispatchMode == DispatchMode.INLINE ? new SerialQueue(workers, workers.inline(), name) : new SerialQueue(workers);
    }

    public ContainerRuntime runtime() {
        return runtime;
    }

    public ClassLoader classLoader() {
        return classLoader;
    }

    /** Every call into this application's code runs inside {@code threadContext().enter()}. */
    public ApplicationThreadContext threadContext() {
        return threadContext;
    }

    public ServletContext servletContext() {
        return servletContext;
    }

    public ApplicationListeners listeners() {
        return listeners;
    }

    public SessionManager sessions() {
        return sessions;
    }

    public String mainServlet() {
        return mainServlet;
    }

    public int sessionTimeoutMinutes() {
        return sessionTimeoutMinutes;
    }

    public SipFactoryImpl sipFactory() {
        return (SipFactoryImpl) servletContext.getAttribute(SipServlet.SIP_FACTORY);
    }

    @Override
    public String toString() {
        return "SipApplication[" + name + ", servlets " + servlets.keySet() + ", main " + mainServlet + "]";
    }
}
