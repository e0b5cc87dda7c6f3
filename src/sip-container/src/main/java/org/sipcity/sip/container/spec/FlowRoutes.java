package org.sipcity.sip.container.spec;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.servlet.sip.Address;
import org.sipcity.stack.address.NameAddress;
import org.sipcity.stack.address.SipUri;
import org.sipcity.stack.message.HeaderName;
import org.sipcity.stack.message.SipRequest;
import org.sipcity.stack.transport.TransportType;

/**
 * Flow routes: a Route or Record-Route URI naming this server with the parameter
 * {@code flow=<transport>:<ip>:<port>} says "the next hop is the peer at that address, over the connection it already
 * has with us" (RFC 5626 §5.3, the edge proxy sending a request over the flow a registration came on). The container
 * pops such a Route itself when it sends, and never opens a connection for it: when no open flow of that transport
 * to that address exists, the request fails with 430 Flow Failed. UDP has no connection: a UDP flow route simply
 * sends to that address from our UDP socket. The flag {@code flow-optional} relaxes this for UAs that did not ask
 * for outbound: when the connection is gone the Route is dropped and the request goes on by the rest of its route
 * (next Route, else the Request-URI), as RFC 3261 would send it.
 *
 * <p>RFC 5626 §5.2: a flow token must be integrity-protected, or anyone could send us a Route that reaches another
 * user's connection behind its NAT. The container seals every flow value it writes on the application's behalf
 * ({@code pushRoute}, Record-Route) with an HMAC-SHA-256 under a random key of this process
 * ({@code flow=tcp:192.0.2.7:49152~<mac>}), and honours only sealed values; an unsealed or forged one gets 403. A
 * restart changes the key, and also closes every connection, so nothing of value is lost.
 *
 * <p>Region tokens: the nodes of a cluster (docs/CLUSTERING.md) share a key, given to each node as the system
 * property {@value #REGION_KEY_PROPERTY} (Base64, at least 32 bytes). A flow value in a Path the application pushes
 * on a REGISTER ({@code pushPath}: this node is the edge proxy of the flow the REGISTER came on) is sealed under it
 * ({@code flow=tcp:192.0.2.7:49152!<mac>}), so that any node can route through the Path and the node holding the
 * connection can honour it. A value that already carries a seal of either kind is a token, not a value to seal: it is
 * written as it is, never resealed, whoever pushes it (another node's token keeps its region seal, and a forged value
 * from a stored Path is not laundered by a fresh seal); {@link #open} judges it where it is used.
 */
public final class FlowRoutes {

    /** The URI parameter naming the flow. */
    public static final String FLOW = "flow";
    /** The flag allowing the request to go on by its route when the flow is gone. */
    public static final String OPTIONAL = "flow-optional";

    /** The system property holding the region's flow-token key (Base64); absent on a single server. */
    public static final String REGION_KEY_PROPERTY = "sipcity.sip.region-flow-key";

    private static final char SEAL = '~';
    private static final char REGION_SEAL = '!';
    private static final int MAC_BYTES = 12;
    private static final int MIN_REGION_KEY_BYTES = 32;
    private static final byte[] KEY = new byte[32];
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> newMac(KEY));
    /** The region's key and a MAC per thread under it; null on a single server. */
    private static volatile RegionKey regionKey;

    static {
        new SecureRandom().nextBytes(KEY);
        regionKey = RegionKey.of(System.getProperty(REGION_KEY_PROPERTY));
    }

    private FlowRoutes() {
    }

    /** Where a flow route leads. */
    public record FlowTarget(TransportType transport, InetSocketAddress remote, boolean optional) {

        /** Whether a message that came from {@code transport}/{@code remote} came over this flow. */
        public boolean isFlowOf(String transportToken, InetSocketAddress remoteAddress) {
            return remoteAddress != null && transport == TransportType.fromToken(transportToken)
                    && remote.equals(remoteAddress);
        }
    }

    /** A flow route could not be honoured: its {@code status} (403 forged, 430 gone) goes to the requester. */
    public static final class FlowRouteException extends java.io.IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public FlowRouteException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** The reason phrase of the response this failure gives. */
        public String reason() {
            return (status == 430 ? "Flow Failed" : "Forbidden") + " - " + getMessage();
        }
    }

    /** Whether {@code uri} carries a flow parameter (sealed or not). */
    public static boolean hasFlow(SipUri uri) {
        return uri.parameters().has(FLOW);
    }

    /**
     * {@code uri} with its flow value sealed by this process; {@code uri} itself when it names no flow or its value is
     * already a token (sealed here or under the region's key).
     */
    public static SipUri seal(SipUri uri) {
        return seal(uri, false);
    }

    /**
     * {@code uri} with its flow value sealed under the region's key, as a Path any node of the region may route
     * through; sealed by this process when no region key is configured (a single server uses its own Path itself).
     */
    public static SipUri sealForRegion(SipUri uri) {
        return seal(uri, regionKey != null);
    }

    private static SipUri seal(SipUri uri, boolean forRegion) {
        String value = uri.parameters().get(FLOW);
        if (value == null || isToken(value)) {
            return uri;
        }
        boolean optional = uri.parameters().has(OPTIONAL);
        String sealed = forRegion ? value + REGION_SEAL + regionMac(value, optional) : value + SEAL + mac(value, optional);
        return uri.toBuilder().parameter(FLOW, sealed).build();
    }

    /** Whether a flow value carries a seal of either kind. */
    private static boolean isToken(String value) {
        return value.indexOf(SEAL) >= 0 || value.indexOf(REGION_SEAL) >= 0;
    }

    /** {@code address} as header text, its URI's flow value sealed by this process (what {@code pushRoute} writes). */
    static String sealed(Address address) {
        return sealed(address, false);
    }

    /** {@code address} as header text, its URI's flow value sealed as a region token (what {@code pushPath} writes). */
    static String sealedForRegion(Address address) {
        return sealed(address, true);
    }

    private static String sealed(Address address, boolean forRegion) {
        if (!(address instanceof AddressImpl ours)) {
            return address.toString();   // not made by this container: written as it is, never honoured as a flow
        }
        NameAddress stack = ours.toStack();
        if (!(stack.uri() instanceof SipUri sip) || !hasFlow(sip)) {
            return stack.toString();
        }
        NameAddress result = NameAddress.of(stack.displayName(), forRegion ? sealForRegion(sip) : seal(sip));
        for (String name : stack.parameters().names()) {
            result = result.withParameter(name, stack.parameters().get(name));
        }
        return result.toString();
    }

    /**
     * The flow a route names, or {@code null} when it names none.
     *
     * @throws FlowRouteException (403) when the value is sealed neither by this process nor under the region's key,
     *                            or is not a flow
     */
    public static FlowTarget open(SipUri uri) throws FlowRouteException {
        String value = uri.parameters().get(FLOW);
        if (value == null) {
            return null;
        }
        int at = Math.max(value.lastIndexOf(SEAL), value.lastIndexOf(REGION_SEAL));
        boolean optional = uri.parameters().has(OPTIONAL);
        if (at < 0) {
            throw new FlowRouteException(403, "flow token not issued here");
        }
        String plain = value.substring(0, at);
        boolean region = value.charAt(at) == REGION_SEAL;
        if (region && regionKey == null) {
            throw new FlowRouteException(403, "region flow token, but this server has no region key");
        }
        String expected = region ? regionMac(plain, optional) : mac(plain, optional);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                value.substring(at + 1).getBytes(StandardCharsets.US_ASCII))) {
            throw new FlowRouteException(403, "flow token not issued here");
        }
        FlowTarget target = parse(value.substring(0, at), optional);
        if (target == null) {
            throw new FlowRouteException(403, "malformed flow token");
        }
        return target;
    }

    /**
     * A received request that came by a Route we record-routed, about to be forwarded: when that Route named a flow
     * and the request did not come over it, it travels towards the flow's UA, and the Route is put back on top of
     * {@code forwarded} so that it leaves over the flow (RFC 5626 §5.3: a request that arrives over the flow named by
     * the token is travelling away from that UA and goes on by the rest of its route).
     *
     * @throws FlowRouteException (403) when the popped Route's flow value was not sealed here
     */
    public static void routeTowardsFlow(SipServletRequestImpl received, SipRequest forwarded) throws FlowRouteException {
        Address popped = received.getPoppedRoute();
        if (popped == null || !(popped.getURI() instanceof SipURIImpl uri)) {
            return;
        }
        FlowTarget target = open(uri.toStack());
        if (target != null && !target.isFlowOf(received.endpoints().transport(), received.endpoints().remote())) {
            forwarded.addHeaderFirst(HeaderName.ROUTE, popped.toString());
        }
    }

    /** {@code tcp:192.0.2.7:49152} or {@code tls:[2001:db8::1]:5061}; null when malformed. IP literals only. */
    static FlowTarget parse(String value, boolean optional) {
        int colon = value.indexOf(':');
        int portColon = value.lastIndexOf(':');
        if (colon <= 0 || portColon <= colon + 1) {
            return null;
        }
        TransportType transport = TransportType.fromToken(value.substring(0, colon));
        String host = value.substring(colon + 1, portColon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        int port;
        try {
            port = Integer.parseInt(value.substring(portColon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (transport == null || literal == null || port <= 0 || port > 65_535) {
            return null;
        }
        try {
            return new FlowTarget(transport, new InetSocketAddress(InetAddress.getByAddress(literal), port), optional);
        } catch (UnknownHostException e) {
            return null;   // not reached: the address is a literal of valid length
        }
    }

    /** The seal covers the flow and whether it may be given up ({@code flow-optional}). */
    private static String mac(String value, boolean optional) {
        return encode(MACS.get(), value, optional);
    }

    private static String regionMac(String value, boolean optional) {
        return encode(regionKey.mac(), value, optional);
    }

    private static String encode(Mac mac, String value, boolean optional) {
        byte[] full = mac.doFinal((optional ? value + ";optional" : value).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, MAC_BYTES));
    }

    /** Sets the region's key (Base64), or removes it with {@code null}: the system property's value, for tests. */
    static void useRegionKey(String base64) {
        regionKey = RegionKey.of(base64);
    }

    private static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }

    /** The region's key with a MAC per thread (a {@link Mac} is not thread-safe, and making one costs a key setup). */
    private record RegionKey(byte[] key, ThreadLocal<Mac> macs) {

        static RegionKey of(String base64) {
            if (base64 == null || base64.isBlank()) {
                return null;
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(base64.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(REGION_KEY_PROPERTY + " is not Base64", e);
            }
            if (key.length < MIN_REGION_KEY_BYTES) {
                throw new IllegalStateException(REGION_KEY_PROPERTY + " must hold at least " + MIN_REGION_KEY_BYTES
                        + " bytes, has " + key.length);
            }
            return new RegionKey(key, ThreadLocal.withInitial(() -> newMac(key)));
        }

        Mac mac() {
            return macs.get();
        }
    }
}
