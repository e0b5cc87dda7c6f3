package org.sipcity.registrar.servlet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletException;

import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.jboss.logging.Logger;
import org.sipcity.registrar.location.LocationException;
import org.sipcity.registrar.location.jpa.JpaLocationService;
import org.sipcity.registrar.registration.RegisterRequest;
import org.sipcity.registrar.registration.RegistrarOutcome;
import org.sipcity.registrar.registration.RegistrationService;

/**
 * The registrar: REGISTER in, {@link RegistrationService} decides, the outcome goes out as the response. Nothing
 * else lives here. The service is taken from CDI in {@link #init()}, which works whether or not the SIP container
 * injects into servlet instances. On a cluster node the REGISTER first gets this node's Path ({@link EdgePath}).
 */
@javax.servlet.sip.annotation.SipServlet(name = "registrar", loadOnStartup = 1,
        description = "RFC 3261 registrar with digest authentication, Path and outbound")
public class RegistrarServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(RegistrarServlet.class);

    private transient RegistrationService registrations;
    private transient SipFactory factory;
    /** Whether this is a cluster node, and so the edge proxy of the flows its REGISTERs come on. */
    private transient boolean edgeOfRegion;

    @Override
    public void init() throws ServletException {
        registrations = CDI.current().select(RegistrationService.class).get();
        factory = (SipFactory) getServletContext().getAttribute(SIP_FACTORY);
        edgeOfRegion = CDI.current().select(JpaLocationService.class).get().node() != null;
    }

    @Override
    protected void doRegister(SipServletRequest request) throws ServletException, IOException {
        RegistrarOutcome outcome;
        try {
            if (edgeOfRegion) {
                EdgePath.push(request, factory);
            }
            RegisterRequest register = SipRequests.register(request);
            outcome = registrations.handle(register, authorization(request));
        } catch (SipRequests.UnreadableRequest e) {
            outcome = RegistrarOutcome.error(400, e.getMessage());
        } catch (ServletParseException e) {
            outcome = RegistrarOutcome.error(400, "Bad Request (malformed Contact)");
        } catch (LocationException e) {
            LOG.errorf(e, "REGISTER %s: location service failed", request.getCallId());
            outcome = RegistrarOutcome.error(500, "Server Internal Error (location service unavailable)");
        }
        SipServletResponse response = request.createResponse(outcome.status(), outcome.reason());
        for (RegistrarOutcome.Header header : outcome.headers()) {
            response.addHeader(header.name(), header.value());
        }
        response.send();
    }

    private static List<String> authorization(SipServletRequest request) {
        List<String> values = new ArrayList<>(1);
        ListIterator<String> it = request.getHeaders("Authorization");
        while (it.hasNext()) {
            values.add(it.next());
        }
        return values;
    }
}
