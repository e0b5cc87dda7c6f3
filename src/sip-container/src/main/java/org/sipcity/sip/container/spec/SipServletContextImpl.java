package org.sipcity.sip.container.spec;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.descriptor.JspConfigDescriptor;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.EventListener;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The servlet context of a SIP application deployed on its own (JSR 289 §3.2): attributes (where the container
 * publishes {@code javax.servlet.sip.SipFactory}, {@code TimerService}, {@code SipSessionsUtil}, supported
 * extensions), init parameters, the class loader, logging, and resources from the class loader.
 *
 * <p>Inside WildFly a converged application uses the web container's context instead; the container accepts any
 * {@link ServletContext} from its embedder. HTTP-only features (dynamic servlet and filter registration, request
 * dispatchers by path, session cookies, JSP) have no meaning here and are refused with {@link UnsupportedOperationException}.
 */
public final class SipServletContextImpl implements ServletContext {

    private static final String NO_HTTP = "A SIP application context has no HTTP servlets, filters or dispatchers;"
            + " deploy a converged application in the web container for those";

    private final String name;
    private final ClassLoader classLoader;
    private final Logger log;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Map<String, String> initParameters = new ConcurrentHashMap<>();
    private volatile int sessionTimeoutMinutes;
    private volatile java.util.function.Function<String, RequestDispatcher> dispatchers;

    public SipServletContextImpl(String name, ClassLoader classLoader, Map<String, String> initParameters,
                                 int sessionTimeoutMinutes) {
        this.name = name;
        this.classLoader = classLoader;
        this.log = Logger.getLogger("org.sipcity.sip.application." + name);
        this.initParameters.putAll(initParameters);
        this.sessionTimeoutMinutes = sessionTimeoutMinutes;
    }

    @Override
    public String getContextPath() {
        return "";
    }

    @Override
    public ServletContext getContext(String uripath) {
        return null;
    }

    @Override
    public int getMajorVersion() {
        return 6;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public int getEffectiveMajorVersion() {
        return 6;
    }

    @Override
    public int getEffectiveMinorVersion() {
        return 1;
    }

    @Override
    public String getMimeType(String file) {
        return null;
    }

    @Override
    public Set<String> getResourcePaths(String path) {
        return null;
    }

    /** Resources come from the application's class loader (a WAR's WEB-INF/classes and libraries). */
    @Override
    public URL getResource(String path) {
        return classLoader.getResource(path.startsWith("/") ? path.substring(1) : path);
    }

    @Override
    public InputStream getResourceAsStream(String path) {
        return classLoader.getResourceAsStream(path.startsWith("/") ? path.substring(1) : path);
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        return null;
    }

    /**
     * Servlet §9.1.1 named dispatcher, as JSR 289 lets SIP servlets use it: a dispatcher to another SIP servlet of this application, so that a main servlet can
     * hand a message to the servlet that handles it (with {@code SipSession.setHandler} for the messages after it).
     * Null for a name that is not one of the application's servlets.
     */
    @Override
    public RequestDispatcher getNamedDispatcher(String servletName) {
        java.util.function.Function<String, RequestDispatcher> lookup = dispatchers;
        return lookup == null || servletName == null ? null : lookup.apply(servletName);
    }

    /** Set by the container when the application's servlets exist. */
    public void namedDispatchers(java.util.function.Function<String, RequestDispatcher> lookup) {
        this.dispatchers = lookup;
    }

    @Override
    public void log(String msg) {
        log.info(msg);
    }

    @Override
    public void log(String message, Throwable throwable) {
        log.error(message, throwable);
    }

    @Override
    public String getRealPath(String path) {
        return null;
    }

    @Override
    public String getServerInfo() {
        return "SIP City SIP Servlet Container/1.1";
    }

    @Override
    public String getInitParameter(String parameter) {
        return initParameters.get(parameter);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(List.copyOf(initParameters.keySet()));
    }

    @Override
    public boolean setInitParameter(String parameter, String value) {
        return initParameters.putIfAbsent(parameter, value) == null;
    }

    @Override
    public Object getAttribute(String attribute) {
        return attributes.get(attribute);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(List.copyOf(attributes.keySet()));
    }

    @Override
    public void setAttribute(String attribute, Object value) {
        if (value == null) {
            attributes.remove(attribute);
        } else {
            attributes.put(attribute, value);
        }
    }

    @Override
    public void removeAttribute(String attribute) {
        attributes.remove(attribute);
    }

    @Override
    public String getServletContextName() {
        return name;
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, String className) {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Servlet servlet) {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Class<? extends Servlet> servletClass) {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public ServletRegistration.Dynamic addJspFile(String servletName, String jspFile) {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public <T extends Servlet> T createServlet(Class<T> type) throws ServletException {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public ServletRegistration getServletRegistration(String servletName) {
        return null;
    }

    @Override
    public Map<String, ? extends ServletRegistration> getServletRegistrations() {
        return Map.of();
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, String className) {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Filter filter) {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Class<? extends Filter> filterClass) {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public <T extends Filter> T createFilter(Class<T> type) throws ServletException {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public FilterRegistration getFilterRegistration(String filterName) {
        return null;
    }

    @Override
    public Map<String, ? extends FilterRegistration> getFilterRegistrations() {
        return Map.of();
    }

    @Override
    public SessionCookieConfig getSessionCookieConfig() {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public void setSessionTrackingModes(Set<SessionTrackingMode> modes) {
        throw new UnsupportedOperationException(NO_HTTP);
    }

    @Override
    public Set<SessionTrackingMode> getDefaultSessionTrackingModes() {
        return Set.of();
    }

    @Override
    public Set<SessionTrackingMode> getEffectiveSessionTrackingModes() {
        return Set.of();
    }

    /** Listeners are declared in sip.xml or with {@code @SipListener} and registered at deployment. */
    @Override
    public void addListener(String className) {
        throw new UnsupportedOperationException("Declare SIP listeners in sip.xml or with @SipListener");
    }

    @Override
    public <T extends EventListener> void addListener(T listener) {
        throw new UnsupportedOperationException("Declare SIP listeners in sip.xml or with @SipListener");
    }

    @Override
    public void addListener(Class<? extends EventListener> listenerClass) {
        throw new UnsupportedOperationException("Declare SIP listeners in sip.xml or with @SipListener");
    }

    @Override
    public <T extends EventListener> T createListener(Class<T> type) throws ServletException {
        throw new UnsupportedOperationException("Declare SIP listeners in sip.xml or with @SipListener");
    }

    @Override
    public JspConfigDescriptor getJspConfigDescriptor() {
        return null;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public void declareRoles(String... roleNames) {
        // no security roles without an authentication layer
    }

    @Override
    public String getVirtualServerName() {
        return "sip";
    }

    /** The application session timeout in minutes (sip.xml {@code session-config}). */
    @Override
    public int getSessionTimeout() {
        return sessionTimeoutMinutes;
    }

    @Override
    public void setSessionTimeout(int sessionTimeout) {
        this.sessionTimeoutMinutes = sessionTimeout;
    }

    @Override
    public String getRequestCharacterEncoding() {
        return null;
    }

    @Override
    public void setRequestCharacterEncoding(String encoding) {
        // SIP messages name their charset in Content-Type
    }

    @Override
    public String getResponseCharacterEncoding() {
        return null;
    }

    @Override
    public void setResponseCharacterEncoding(String encoding) {
        // SIP messages name their charset in Content-Type
    }
}
