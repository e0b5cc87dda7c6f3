package org.sipcity.sip.container.deployment;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.sipcity.sip.container.api.SipDeploymentException;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;

/**
 * Reads a JSR 289 deployment descriptor ({@code WEB-INF/sip.xml}, schema sip-app_1_1.xsd) into a
 * {@link SipDeploymentInfo.Builder}: app-name, display-name, context-param, listener, servlet (name, class,
 * init-param, load-on-startup), servlet-selection/main-servlet, and session-config/session-timeout.
 *
 * <p>Elements are matched by local name, so descriptors with the sipservlet and javaee namespaces, with prefixes or
 * without, read the same. Java EE environment elements (resource-ref, ejb-ref, security...) are the application
 * server's business and are passed over; anything else unknown is an error, as is a value of the wrong type. Every
 * error names the file, the line and the element. DTDs and external entities are refused (no XXE).
 */
public final class SipXmlParser {

    /** JSR 289 / Java EE elements of sip-app that the server, not this container, acts upon. */
    private static final Set<String> LEFT_TO_THE_SERVER = Set.of("description", "icon", "distributable",
            "env-entry", "ejb-ref", "ejb-local-ref", "service-ref", "resource-ref", "resource-env-ref",
            "message-destination-ref", "persistence-context-ref", "persistence-unit-ref", "post-construct",
            "pre-destroy", "message-destination", "locale-encoding-mapping-list", "security-role",
            "security-constraint", "login-config", "proxy-config", "data-source", "administered-object",
            "jms-connection-factory", "jms-destination", "mail-session", "connection-factory");

    private SipXmlParser() {
    }

    /**
     * @param in     the descriptor
     * @param source what to call it in messages, e.g. {@code "WEB-INF/sip.xml of registrar.war"}
     * @param defaultName the application name when the descriptor has no app-name (JSR 289 §18: then the module name)
     */
    public static SipDeploymentInfo.Builder parse(InputStream in, String source, String defaultName)
            throws SipDeploymentException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(in);
            return new Reading(reader, source, defaultName).document();
        } catch (XMLStreamException e) {
            Location at = e.getLocation();
            String line = at == null ? "" : " line " + at.getLineNumber() + ", column " + at.getColumnNumber();
            throw new SipDeploymentException(source + line + ": not well-formed XML: " + cleanMessage(e), e);
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release beyond what close tried
                }
            }
        }
    }

    /** The StAX message without the "ParseError at [row,col]:" prefix it repeats. */
    private static String cleanMessage(XMLStreamException e) {
        String message = e.getMessage();
        int marker = message == null ? -1 : message.indexOf("Message: ");
        return marker >= 0 ? message.substring(marker + 9).trim() : String.valueOf(message);
    }

    /** One pass over one document. */
    private static final class Reading {
        private final XMLStreamReader reader;
        private final String source;
        private final String defaultName;
        private String appName;
        private String displayName;
        private String mainServlet;
        private Integer sessionTimeout;
        private final Map<String, SipServletInfo> servlets = new LinkedHashMap<>();
        private final Map<String, String> contextParameters = new LinkedHashMap<>();
        private final java.util.List<String> listeners = new java.util.ArrayList<>();

        Reading(XMLStreamReader reader, String source, String defaultName) {
            this.reader = reader;
            this.source = source;
            this.defaultName = defaultName;
        }

        private SipDeploymentException error(String message) {
            return new SipDeploymentException(source + " line " + reader.getLocation().getLineNumber() + ": " + message);
        }

        SipDeploymentInfo.Builder document() throws XMLStreamException, SipDeploymentException {
            reader.nextTag();
            if (!"sip-app".equals(reader.getLocalName())) {
                throw error("the root element is <" + reader.getLocalName() + ">, expected <sip-app>");
            }
            while (nextChild()) {
                String element = reader.getLocalName();
                switch (element) {
                    case "app-name" -> appName = requiredText(element);
                    case "display-name" -> displayName = text();
                    case "context-param" -> contextParam();
                    case "listener" -> listener();
                    case "servlet" -> servlet();
                    case "servlet-selection" -> servletSelection();
                    case "session-config" -> sessionConfig();
                    case "servlet-mapping" -> throw error("<servlet-mapping> (JSR 116 rules) is not supported;"
                            + " name the servlet for initial requests in <servlet-selection><main-servlet>");
                    default -> {
                        if (!LEFT_TO_THE_SERVER.contains(element)) {
                            throw error("unknown element <" + element + "> in <sip-app>");
                        }
                        skip();
                    }
                }
            }
            String name = appName != null ? appName : defaultName;
            if (name == null || name.isBlank()) {
                throw new SipDeploymentException(source + ": no <app-name> and no module name to default to");
            }
            SipDeploymentInfo.Builder builder = SipDeploymentInfo.builder(name).displayName(displayName)
                    .mainServlet(mainServlet).source(source);
            servlets.values().forEach(builder::addServlet);
            listeners.forEach(builder::addListener);
            contextParameters.forEach(builder::contextParameter);
            if (sessionTimeout != null) {
                builder.sessionTimeoutMinutes(sessionTimeout);
            }
            return builder;
        }

        /** Moves to the next child element of the current one; false at its end tag. */
        private boolean nextChild() throws XMLStreamException {
            return reader.nextTag() == XMLStreamConstants.START_ELEMENT;
        }

        private String text() throws XMLStreamException {
            return reader.getElementText().trim();
        }

        private String requiredText(String element) throws XMLStreamException, SipDeploymentException {
            int line = reader.getLocation().getLineNumber();
            String value = text();
            if (value.isEmpty()) {
                throw new SipDeploymentException(source + " line " + line + ": <" + element + "> is empty");
            }
            return value;
        }

        private int integer(String element) throws XMLStreamException, SipDeploymentException {
            int line = reader.getLocation().getLineNumber();
            String value = text();
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new SipDeploymentException(source + " line " + line + ": <" + element
                        + "> must be an integer, found '" + value + "'");
            }
        }

        private void skip() throws XMLStreamException {
            int depth = 1;
            while (depth > 0) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        }

        private void unexpected(String parent) throws SipDeploymentException {
            throw error("unknown element <" + reader.getLocalName() + "> in <" + parent + ">");
        }

        private String[] nameValue(String parent) throws XMLStreamException, SipDeploymentException {
            int line = reader.getLocation().getLineNumber();
            String name = null;
            String value = null;
            while (nextChild()) {
                switch (reader.getLocalName()) {
                    case "param-name" -> name = requiredText("param-name");
                    case "param-value" -> value = text();
                    case "description" -> skip();
                    default -> unexpected(parent);
                }
            }
            if (name == null || value == null) {
                throw new SipDeploymentException(source + " line " + line + ": <" + parent
                        + "> needs <param-name> and <param-value>");
            }
            return new String[] {name, value};
        }

        private void contextParam() throws XMLStreamException, SipDeploymentException {
            String[] p = nameValue("context-param");
            contextParameters.put(p[0], p[1]);
        }

        private void listener() throws XMLStreamException, SipDeploymentException {
            int line = reader.getLocation().getLineNumber();
            String className = null;
            while (nextChild()) {
                switch (reader.getLocalName()) {
                    case "listener-class" -> className = requiredText("listener-class");
                    case "description", "display-name", "icon" -> skip();
                    default -> unexpected("listener");
                }
            }
            if (className == null) {
                throw new SipDeploymentException(source + " line " + line + ": <listener> has no <listener-class>");
            }
            listeners.add(className);
        }

        private void servlet() throws XMLStreamException, SipDeploymentException {
            int line = reader.getLocation().getLineNumber();
            String name = null;
            String className = null;
            int loadOnStartup = -1;
            Map<String, String> init = new LinkedHashMap<>();
            while (nextChild()) {
                switch (reader.getLocalName()) {
                    case "servlet-name" -> name = requiredText("servlet-name");
                    case "servlet-class" -> className = requiredText("servlet-class");
                    case "load-on-startup" -> loadOnStartup = integer("load-on-startup");
                    case "init-param" -> {
                        String[] p = nameValue("init-param");
                        init.put(p[0], p[1]);
                    }
                    case "jsp-file" -> throw error("<jsp-file> has no meaning for a SIP servlet");
                    case "description", "display-name", "icon", "run-as", "security-role-ref", "async-supported",
                         "enabled", "multipart-config" -> skip();
                    default -> unexpected("servlet");
                }
            }
            if (name == null || className == null) {
                throw new SipDeploymentException(source + " line " + line
                        + ": <servlet> needs <servlet-name> and <servlet-class>");
            }
            if (servlets.put(name, new SipServletInfo(name, className, loadOnStartup, init)) != null) {
                throw new SipDeploymentException(source + " line " + line + ": a second <servlet> is named '" + name + "'");
            }
        }

        private void servletSelection() throws XMLStreamException, SipDeploymentException {
            while (nextChild()) {
                switch (reader.getLocalName()) {
                    case "main-servlet" -> mainServlet = requiredText("main-servlet");
                    case "servlet-mapping" -> throw error("<servlet-mapping> (JSR 116 rules) is not supported;"
                            + " use <main-servlet>");
                    default -> unexpected("servlet-selection");
                }
            }
        }

        private void sessionConfig() throws XMLStreamException, SipDeploymentException {
            while (nextChild()) {
                if ("session-timeout".equals(reader.getLocalName())) {
                    sessionTimeout = integer("session-timeout");
                } else {
                    unexpected("session-config");
                }
            }
        }
    }
}
