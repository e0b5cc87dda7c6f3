package org.sipcity.it.sip.jpa;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * Records each OPTIONS through a transactional CDI bean, then counts the rows with its own
 * {@code @PersistenceContext} entity manager, on the container's worker thread, and answers the count.
 */
@javax.servlet.sip.annotation.SipServlet(name = "jpa")
public class JpaServlet extends SipServlet {

    private static final long serialVersionUID = 1L;

    @PersistenceContext
    EntityManager entityManager;

    @Inject
    VisitLog visits;

    @Override
    protected void doOptions(SipServletRequest request) throws IOException {
        visits.record(request.getFrom().getURI().toString());
        long count = entityManager.createQuery("select count(v) from Visit v", Long.class).getSingleResult();
        SipServletResponse ok = request.createResponse(SipServletResponse.SC_OK);
        ok.setHeader("X-Visits", Long.toString(count));
        ok.send();
    }
}
