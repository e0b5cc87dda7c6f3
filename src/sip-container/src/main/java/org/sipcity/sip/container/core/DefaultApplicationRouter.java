package org.sipcity.sip.container.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.ar.SipApplicationRouter;
import javax.servlet.sip.ar.SipApplicationRouterInfo;
import javax.servlet.sip.ar.SipApplicationRoutingDirective;
import javax.servlet.sip.ar.SipApplicationRoutingRegion;
import javax.servlet.sip.ar.SipRouteModifier;
import javax.servlet.sip.ar.SipTargetedRequestInfo;

/**
 * The default application router of JSR 289 Appendix C, configured by properties: one key per method, its value a
 * comma-separated list of tuples tried in order,
 *
 * <pre>
 * INVITE: ("registrar", "DAR:From", "ORIGINATING", "", "NO_ROUTE", "0"), ("proxy", "DAR:To", "TERMINATING", "", "NO_ROUTE", "1")
 * </pre>
 *
 * <p>(application name, subscriber identity header, routing region, route, route modifier, order). The state info
 * passed back is the index of the tuple used, so a request routed back to the container continues with the next
 * tuple. Tuples naming an application that is not deployed are skipped.
 *
 * <p>Deviation, for single-application servers: with no tuple for the method and exactly one application deployed,
 * that application is selected (Appendix C would select none).
 */
public final class DefaultApplicationRouter implements SipApplicationRouter {

    private final Set<String> deployed = new CopyOnWriteArraySet<>();
    private volatile Map<String, List<Route>> routes = Map.of();

    /** One tuple of the configuration. */
    record Route(String application, String subscriberHeader, SipApplicationRoutingRegion region, String route,
                 SipRouteModifier modifier) {
    }

    @Override
    public void init() {
        init(new Properties());
    }

    /** @throws IllegalArgumentException naming the method and the tuple when the configuration cannot be read */
    @Override
    public void init(Properties properties) {
        Map<String, List<Route>> parsed = new HashMap<>();
        for (String method : properties.stringPropertyNames()) {
            parsed.put(method.trim().toUpperCase(Locale.ROOT), parse(method, properties.getProperty(method)));
        }
        routes = Map.copyOf(parsed);
    }

    static List<Route> parse(String method, String value) {
        List<Route> result = new ArrayList<>();
        int pos = 0;
        while (true) {
            int open = value.indexOf('(', pos);
            if (open < 0) {
                break;
            }
            int close = value.indexOf(')', open);
            if (close < 0) {
                throw new IllegalArgumentException("Application router, method " + method + ": unclosed tuple at "
                        + value.substring(open));
            }
            List<String> fields = new ArrayList<>();
            for (String field : value.substring(open + 1, close).split(",", -1)) {
                String f = field.trim();
                if (f.length() < 2 || f.charAt(0) != '"' || f.charAt(f.length() - 1) != '"') {
                    throw new IllegalArgumentException("Application router, method " + method
                            + ": fields are quoted strings, found " + f + " in " + value.substring(open, close + 1));
                }
                fields.add(f.substring(1, f.length() - 1));
            }
            if (fields.size() != 6) {
                throw new IllegalArgumentException("Application router, method " + method + ": a tuple has 6 fields"
                        + " (name, subscriber, region, route, route modifier, order), found " + fields.size()
                        + " in " + value.substring(open, close + 1));
            }
            result.add(new Route(fields.get(0), fields.get(1), region(method, fields.get(2)), fields.get(3),
                    modifier(method, fields.get(4))));
            pos = close + 1;
        }
        return List.copyOf(result);
    }

    private static SipApplicationRoutingRegion region(String method, String text) {
        return switch (text.toUpperCase(Locale.ROOT)) {
            case "ORIGINATING" -> SipApplicationRoutingRegion.ORIGINATING_REGION;
            case "TERMINATING" -> SipApplicationRoutingRegion.TERMINATING_REGION;
            case "NEUTRAL", "" -> SipApplicationRoutingRegion.NEUTRAL_REGION;
            default -> throw new IllegalArgumentException("Application router, method " + method
                    + ": unknown region '" + text + "' (ORIGINATING, TERMINATING or NEUTRAL)");
        };
    }

    private static SipRouteModifier modifier(String method, String text) {
        try {
            return SipRouteModifier.valueOf(text.isEmpty() ? "NO_ROUTE" : text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Application router, method " + method + ": unknown route modifier '"
                    + text + "' (ROUTE, ROUTE_BACK or NO_ROUTE)", e);
        }
    }

    @Override
    public void applicationDeployed(List<String> names) {
        deployed.addAll(names);
    }

    @Override
    public void applicationUndeployed(List<String> names) {
        deployed.removeAll(names);
    }

    @Override
    public SipApplicationRouterInfo getNextApplication(SipServletRequest request, SipApplicationRoutingRegion region,
                                                       SipApplicationRoutingDirective directive,
                                                       SipTargetedRequestInfo targeted, Serializable stateInfo) {
        List<Route> candidates = routes.get(request.getMethod());
        if (candidates == null || candidates.isEmpty()) {
            if (stateInfo == null && deployed.size() == 1) {
                String only = deployed.iterator().next();
                return new SipApplicationRouterInfo(only, SipApplicationRoutingRegion.NEUTRAL_REGION, null, null,
                        SipRouteModifier.NO_ROUTE, null);
            }
            return null;
        }
        int start = stateInfo instanceof Integer previous ? previous + 1 : 0;
        for (int i = start; i < candidates.size(); i++) {
            Route r = candidates.get(i);
            if (deployed.contains(r.application())) {
                return new SipApplicationRouterInfo(r.application(), r.region(), subscriber(request, r.subscriberHeader()),
                        r.route().isEmpty() ? null : new String[] {r.route()}, r.modifier(), i);
            }
        }
        return null;
    }

    /** "DAR:From" names the header whose URI is the subscriber (Appendix C). */
    private static String subscriber(SipServletRequest request, String spec) {
        if (spec == null || !spec.regionMatches(true, 0, "DAR:", 0, 4)) {
            return null;
        }
        String header = spec.substring(4);
        try {
            javax.servlet.sip.Address address = request.getAddressHeader(header);
            return address == null ? null : address.getURI().toString();
        } catch (javax.servlet.sip.ServletParseException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void destroy() {
        deployed.clear();
    }
}
