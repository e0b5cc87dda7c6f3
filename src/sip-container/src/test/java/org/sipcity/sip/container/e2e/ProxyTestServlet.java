package org.sipcity.sip.container.e2e;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

/**
 * Proxies every initial request to the targets listed in its X-Targets header, record-routing when asked. With
 * X-Slow-Provisional: N it holds each provisional response N ms before the proxy relays it (a slow servlet: on an
 * inline application it holds the event loop).
 */
public class ProxyTestServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    static final ConcurrentLinkedQueue<String> RESPONSES_SEEN = new ConcurrentLinkedQueue<>();

    @Override
    protected void doRequest(SipServletRequest request) throws ServletException, IOException {
        if (!request.isInitial()) {
            super.doRequest(request);
            return;
        }
        SipFactory factory = (SipFactory) getServletContext().getAttribute(SIP_FACTORY);
        List<URI> targets = new ArrayList<>();
        for (String target : request.getHeader("X-Targets").split(",")) {
            targets.add(factory.createURI(target.trim()));
        }
        Proxy proxy = request.getProxy();
        proxy.setRecordRoute(request.getHeader("X-Record-Route") != null);
        proxy.setParallel(request.getHeader("X-Sequential") == null);
        proxy.setAddToPath(request.getHeader("X-Path") != null);
        if (request.getHeader("X-Proxy-Timeout") != null) {
            proxy.setProxyTimeout(Integer.parseInt(request.getHeader("X-Proxy-Timeout")));
        }
        String flow = request.getHeader("X-Flow");
        if (flow == null) {
            proxy.proxyTo(targets);
            return;
        }
        // Each branch over an existing flow: a flow route naming us (FlowRoutes), as an edge proxy does.
        SipURI route = factory.createSipURI(null, request.getLocalAddr());
        route.setPort(request.getLocalPort());
        route.setParameter("flow", flow);
        for (ProxyBranch branch : proxy.createProxyBranches(targets)) {
            branch.getRequest().pushRoute(route);
        }
        proxy.startProxy();
    }

    @Override
    protected void doResponse(SipServletResponse response) throws ServletException, IOException {
        RESPONSES_SEEN.add(response.getStatus() + " " + response.getMethod() + " " + response.getCallId());
        String slow = response.getRequest().getHeader("X-Slow-Provisional");
        if (slow != null && response.getStatus() < 200) {
            try {
                Thread.sleep(Long.parseLong(slow));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        super.doResponse(response);
    }
}
