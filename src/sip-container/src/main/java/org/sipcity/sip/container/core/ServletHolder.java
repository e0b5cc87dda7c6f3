package org.sipcity.sip.container.core;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.sipcity.sip.container.api.InstanceHandle;
import org.sipcity.sip.container.api.SipServletInfo;

/** One servlet of an application: its instance (made by the InstanceFactory), its ServletConfig, its life cycle. */
final class ServletHolder implements ServletConfig {

    private final SipServletInfo info;
    private final ServletContext context;
    private final InstanceHandle<? extends Servlet> handle;

    ServletHolder(SipServletInfo info, ServletContext context, InstanceHandle<? extends Servlet> handle) {
        this.info = info;
        this.context = context;
        this.handle = handle;
    }

    Servlet servlet() {
        return handle.instance();
    }

    void init() throws ServletException {
        handle.instance().init(this);
    }

    void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        handle.instance().service(request, response);
    }

    void destroy() {
        try {
            handle.instance().destroy();
        } finally {
            handle.release();
        }
    }

    int loadOnStartup() {
        return info.loadOnStartup();
    }

    @Override
    public String getServletName() {
        return info.name();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public String getInitParameter(String name) {
        return info.initParameters().get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(List.copyOf(info.initParameters().keySet()));
    }
}
