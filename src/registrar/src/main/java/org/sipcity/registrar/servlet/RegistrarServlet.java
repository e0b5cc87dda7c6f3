package org.sipcity.registrar.servlet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletException;

import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.jboss.logging.Logger;
import org.sipcity.registrar.location.LocationException;
import org.sipcity.registrar.registration.RegisterRequest;
import org.sipcity.registrar.registration.RegistrarOutcome;
import org.sipcity.registrar.registration.RegistrationService;

/**
 * The registrar: REGISTER in, {@link RegistrationService} decides, the outcome goes out as the response. Nothing
 * else lives here. The service is taken from CDI in {@link #init()}, which works whether or not the SIP container
 * injects into servlet instances.
 */
@javax.servlet.sip.annotation.SipServlet(name = "registrar", loadOnStartup = 1,
        description = "RFC 3261 registrar with digest authentication, Path and outbound")
public class RegistrarServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(RegistrarServlet.class);

    private transient RegistrationService registrations;

    @Override
    public void init() throws ServletException {
        registrations = CDI.current().select(RegistrationService.class).get();
    }

    @Override
    protected void doRegister(SipServletRequest request) throws ServletException, IOException {
        RegistrarOutcome outcome;
        try {
            RegisterRequest register = SipRequests.register(request);
            outcome = registrations.handle(register, authorization(request));
        } catch (SipRequests.UnreadableRequest e) {
            outcome = RegistrarOutcome.error(400, e.getMessage());
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
