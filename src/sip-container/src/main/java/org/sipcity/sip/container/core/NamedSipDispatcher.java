package org.sipcity.sip.container.core;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * A dispatcher to one SIP servlet of the application (the servlet context's {@code getNamedDispatcher}): the message
 * is handed to that servlet's {@code service} on the current thread, inside the application's thread context the
 * caller already runs in. {@code include} is the same as {@code forward}: a SIP message has no response body to
 * merge.
 */
final class NamedSipDispatcher implements RequestDispatcher {

    private final ServletHolder target;

    NamedSipDispatcher(ServletHolder target) {
        this.target = target;
    }

    @Override
    public void forward(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        target.service(request, response);
    }

    @Override
    public void include(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        target.service(request, response);
    }
}
