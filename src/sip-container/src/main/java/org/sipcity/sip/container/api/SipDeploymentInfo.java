package org.sipcity.sip.container.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the container needs to deploy one SIP application, whatever it was read from (sip.xml, annotations, a
 * test): the counterpart of Undertow's {@code DeploymentInfo}. Built with {@link #builder(String)}; immutable.
 */
public final class SipDeploymentInfo {

    /** JSR 289 §6.1.2.1: application sessions expire after three minutes unless session-config says otherwise. */
    public static final int DEFAULT_SESSION_TIMEOUT_MINUTES = 3;

    private final String applicationName;
    private final String displayName;
    private final ClassLoader classLoader;
    private final List<SipServletInfo> servlets;
    private final String mainServlet;
    private final List<String> listenerClasses;
    private final Map<String, String> contextParameters;
    private final int sessionTimeoutMinutes;
    private final InstanceFactory instanceFactory;
    private final String source;
    private final String applicationKeyClass;
    private final String applicationKeyMethod;
    private final List<ThreadSetup> threadSetups;
    private final List<ApplicationInitializer> initializers;

    private SipDeploymentInfo(Builder b) {
        this.applicationName = b.applicationName;
        this.displayName = b.displayName == null ? b.applicationName : b.displayName;
        this.classLoader = b.classLoader == null ? Thread.currentThread().getContextClassLoader() : b.classLoader;
        this.servlets = List.copyOf(b.servlets);
        this.mainServlet = b.mainServlet;
        this.listenerClasses = List.copyOf(b.listenerClasses);
        this.contextParameters = Map.copyOf(b.contextParameters);
        this.sessionTimeoutMinutes = b.sessionTimeoutMinutes;
        this.instanceFactory = b.instanceFactory;
        this.source = b.source;
        this.applicationKeyClass = b.applicationKeyClass;
        this.applicationKeyMethod = b.applicationKeyMethod;
        this.threadSetups = List.copyOf(b.threadSetups);
        this.initializers = List.copyOf(b.initializers);
    }

    public static Builder builder(String applicationName) {
        return new Builder(applicationName);
    }

    /** The application name (JSR 289 {@code app-name}), unique in the container; the router selects by it. */
    public String applicationName() {
        return applicationName;
    }

    public String displayName() {
        return displayName;
    }

    public ClassLoader classLoader() {
        return classLoader;
    }

    public List<SipServletInfo> servlets() {
        return servlets;
    }

    /** The servlet that receives initial requests (JSR 289 §16.2), or null: then there must be one servlet only. */
    public String mainServlet() {
        return mainServlet;
    }

    public List<String> listenerClasses() {
        return listenerClasses;
    }

    public Map<String, String> contextParameters() {
        return contextParameters;
    }

    /** Minutes; 0 or less: application sessions never expire. */
    public int sessionTimeoutMinutes() {
        return sessionTimeoutMinutes;
    }

    /** How servlet and listener instances are made; null: the container's default (reflection). */
    public InstanceFactory instanceFactory() {
        return instanceFactory;
    }

    /** Where the metadata came from, for messages ("WEB-INF/sip.xml of foo.war"); may be null. */
    public String source() {
        return source;
    }

    /** Class of the {@code @SipApplicationKey} method (JSR 289 §15.11.2), or null. */
    public String applicationKeyClass() {
        return applicationKeyClass;
    }

    /** Name of the {@code public static String m(SipServletRequest)} that keys application sessions, or null. */
    public String applicationKeyMethod() {
        return applicationKeyMethod;
    }

    /** What prepares a worker thread for this application's code, in order; the class loader is set regardless. */
    public List<ThreadSetup> threadSetups() {
        return threadSetups;
    }

    /** Called with the servlet context before listeners and servlets are created, in order. */
    public List<ApplicationInitializer> initializers() {
        return initializers;
    }

    public static final class Builder {
        private final String applicationName;
        private String displayName;
        private ClassLoader classLoader;
        private final List<SipServletInfo> servlets = new ArrayList<>();
        private String mainServlet;
        private final List<String> listenerClasses = new ArrayList<>();
        private final Map<String, String> contextParameters = new LinkedHashMap<>();
        private int sessionTimeoutMinutes = DEFAULT_SESSION_TIMEOUT_MINUTES;
        private InstanceFactory instanceFactory;
        private String source;
        private String applicationKeyClass;
        private String applicationKeyMethod;
        private final List<ThreadSetup> threadSetups = new ArrayList<>();
        private final List<ApplicationInitializer> initializers = new ArrayList<>();

        private Builder(String applicationName) {
            this.applicationName = Objects.requireNonNull(applicationName, "applicationName");
        }

        public Builder displayName(String value) {
            displayName = value;
            return this;
        }

        public Builder classLoader(ClassLoader value) {
            classLoader = value;
            return this;
        }

        public Builder addServlet(SipServletInfo servlet) {
            servlets.add(Objects.requireNonNull(servlet, "servlet"));
            return this;
        }

        public Builder mainServlet(String value) {
            mainServlet = value == null || value.isEmpty() ? null : value;
            return this;
        }

        public Builder addListener(String className) {
            listenerClasses.add(Objects.requireNonNull(className, "className"));
            return this;
        }

        public Builder contextParameter(String name, String value) {
            contextParameters.put(name, value);
            return this;
        }

        public Builder sessionTimeoutMinutes(int value) {
            sessionTimeoutMinutes = value;
            return this;
        }

        public Builder instanceFactory(InstanceFactory value) {
            instanceFactory = value;
            return this;
        }

        public Builder source(String value) {
            source = value;
            return this;
        }

        /** The {@code @SipApplicationKey} method: initial requests with the same key share one application session. */
        public Builder applicationKey(String className, String methodName) {
            applicationKeyClass = className;
            applicationKeyMethod = methodName;
            return this;
        }

        /** Adds a setup run around every call into this application's code (see {@link ThreadSetup}). */
        public Builder addThreadSetup(ThreadSetup value) {
            threadSetups.add(Objects.requireNonNull(value, "threadSetup"));
            return this;
        }

        /** Adds an initializer called with the servlet context before any instance is made. */
        public Builder addInitializer(ApplicationInitializer value) {
            initializers.add(Objects.requireNonNull(value, "initializer"));
            return this;
        }

        public String applicationName() {
            return applicationName;
        }

        public List<SipServletInfo> servlets() {
            return servlets;
        }

        public String mainServlet() {
            return mainServlet;
        }

        public SipDeploymentInfo build() {
            return new SipDeploymentInfo(this);
        }
    }
}
