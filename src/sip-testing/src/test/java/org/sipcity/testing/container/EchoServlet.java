package org.sipcity.testing.container;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * A SIP servlet the container test deploys: OPTIONS 200 naming itself, INVITE 180 + 200, BYE 200, and REGISTER
 * behind an MD5 digest challenge it checks by its own computation.
 */
public class EchoServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    static final String REALM = "container.test";
    static final String NONCE = "0123456789abcdef";
    static final String PASSWORD = "pw";
    private static final Pattern PARAM = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))");

    @Override
    protected void doOptions(SipServletRequest request) throws ServletException, IOException {
        SipServletResponse ok = request.createResponse(SipServletResponse.SC_OK);
        ok.setHeader("X-Servlet", getServletName());
        ok.send();
    }

    @Override
    protected void doInvite(SipServletRequest request) throws ServletException, IOException {
        request.createResponse(SipServletResponse.SC_RINGING).send();
        request.createResponse(SipServletResponse.SC_OK).send();
    }

    @Override
    protected void doBye(SipServletRequest request) throws ServletException, IOException {
        request.createResponse(SipServletResponse.SC_OK).send();
    }

    @Override
    protected void doRegister(SipServletRequest request) throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            SipServletResponse challenge = request.createResponse(SipServletResponse.SC_UNAUTHORIZED);
            challenge.setHeader("WWW-Authenticate", "Digest realm=\"" + REALM + "\", nonce=\"" + NONCE
                    + "\", qop=\"auth\", algorithm=MD5");
            challenge.send();
            return;
        }
        Map<String, String> p = new HashMap<>();
        Matcher m = PARAM.matcher(authorization);
        while (m.find()) {
            p.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
        }
        String ha1 = md5(p.get("username") + ":" + REALM + ":" + PASSWORD);
        String ha2 = md5("REGISTER:" + p.get("uri"));
        String expected = md5(ha1 + ":" + NONCE + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
        request.createResponse(expected.equals(p.get("response")) ? SipServletResponse.SC_OK
                : SipServletResponse.SC_FORBIDDEN).send();
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
