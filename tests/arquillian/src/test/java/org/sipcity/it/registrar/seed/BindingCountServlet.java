package org.sipcity.it.registrar.seed;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceUnit;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.sipcity.registrar.location.jpa.JpaLocationService;

/**
 * Test-only: what the registrar's location service holds for a set of AORs, in memory and in the database.
 * {@code POST /it/bindings?aor-prefix=sip:xyz} with a body of AORs, one a line; answers 200 with
 * {@code live <n>} (how many of those AORs have an unexpired binding, from the service's lookup, as the proxy sees
 * them) and {@code stored <n>} (binding rows whose AOR starts with the prefix, read from the database after a
 * write-back flush, so what a restart would find).
 */
@WebServlet("/it/bindings")
public class BindingCountServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient JpaLocationService locations;

    @PersistenceUnit(unitName = "sipcity")
    transient EntityManagerFactory factory;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String prefix = request.getParameter("aor-prefix");
        if (prefix == null || !prefix.matches("[A-Za-z0-9:.@-]+")) {
            // No LIKE wildcards (% _) or quoting to worry about.
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "aor-prefix: letters, digits, : . @ - only");
            return;
        }
        Instant now = Instant.now();
        long live = 0;
        BufferedReader aors = request.getReader();
        for (String aor = aors.readLine(); aor != null; aor = aors.readLine()) {
            if (!aor.isBlank() && !locations.lookup(aor.strip(), now).isEmpty()) {
                live++;
            }
        }
        locations.flush();
        long stored;
        EntityManager em = factory.createEntityManager();
        try {
            stored = em.createQuery("select count(b) from Binding b where b.aor like :prefix", Long.class)
                    .setParameter("prefix", prefix + "%")
                    .getSingleResult();
        } finally {
            em.close();
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println("live " + live);
        response.getWriter().println("stored " + stored);
    }
}
