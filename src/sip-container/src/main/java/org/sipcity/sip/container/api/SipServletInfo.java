package org.sipcity.sip.container.api;

import java.util.Map;
import java.util.Objects;

/**
 * One SIP servlet of an application (sip.xml {@code <servlet>} or {@code @SipServlet}).
 *
 * @param name          servlet name, unique in the application
 * @param className     the class, loaded with the application's class loader
 * @param loadOnStartup sip.xml {@code load-on-startup}: order of initialisation at deployment (every servlet is initialised then; lower first, negative last)
 * @param initParameters the {@code init-param}s given to its ServletConfig
 */
public record SipServletInfo(String name, String className, int loadOnStartup, Map<String, String> initParameters) {

    public SipServletInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(className, "className");
        initParameters = Map.copyOf(initParameters);
    }

    public SipServletInfo(String name, String className) {
        this(name, className, -1, Map.of());
    }
}
