package org.sipcity.it.registrar.seed;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.sipcity.registrar.subscriber.SubscriberStore;

/**
 * Test-only: adds a subscriber through the registrar's own {@link SubscriberStore} (the bean its authenticator
 * reads), so a test can register as that subscriber. {@code POST /it/subscribers} with form fields {@code username},
 * {@code domain}, {@code password}; 201 when added. Added by the test to the registrar archive, never shipped.
 */
@WebServlet("/it/subscribers")
public class SubscriberSeedServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient SubscriberStore subscribers;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String username = request.getParameter("username");
        String domain = request.getParameter("domain");
        String password = request.getParameter("password");
        if (username == null || domain == null || password == null) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "username, domain and password are required");
            return;
        }
        subscribers.add(username, domain, password);
        response.setStatus(HttpServletResponse.SC_CREATED);
    }
}
