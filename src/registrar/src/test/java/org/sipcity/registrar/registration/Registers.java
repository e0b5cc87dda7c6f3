package org.sipcity.registrar.registration;

import java.util.ArrayList;
import java.util.List;

/** Builds REGISTER requests for tests: alice at example.org over TCP from 192.0.2.10, first hop, no extensions. */
public final class Registers {

    private String aor = "sip:alice@example.org";
    private String domain = "example.org";
    private final List<ContactSpec> contacts = new ArrayList<>();
    private String expires;
    private String callId = "call-1@192.0.2.10";
    private long cseq = 1;
    private List<String> require = List.of();
    private List<String> supported = List.of();
    private List<String> path = List.of();
    private int vias = 1;
    private FlowAddress flow = new FlowAddress("tcp", "192.0.2.10", 40000, "198.51.100.1", 5060);
    private String branch;

    public static Registers register() {
        return new Registers();
    }

    public Registers aor(String value) {
        aor = value;
        return this;
    }

    public Registers domain(String value) {
        domain = value;
        return this;
    }

    public Registers contact(String uri) {
        contacts.add(ContactSpec.of(uri));
        return this;
    }

    public Registers contact(ContactSpec spec) {
        contacts.add(spec);
        return this;
    }

    public Registers expires(String value) {
        expires = value;
        return this;
    }

    public Registers callId(String value) {
        callId = value;
        return this;
    }

    public Registers cseq(long value) {
        cseq = value;
        return this;
    }

    public Registers require(String... tags) {
        require = List.of(tags);
        return this;
    }

    public Registers supported(String... tags) {
        supported = List.of(tags);
        return this;
    }

    public Registers path(String... values) {
        path = List.of(values);
        return this;
    }

    public Registers vias(int count) {
        vias = count;
        return this;
    }

    public Registers flow(FlowAddress value) {
        flow = value;
        return this;
    }

    /** The top Via's branch: the request then carries its {@link TransactionHash}; none by default. */
    public Registers branch(String value) {
        branch = value;
        return this;
    }

    public RegisterRequest build() {
        int transaction = branch == null ? 0
                : TransactionHash.of("SIP/2.0/TCP 192.0.2.10:40000;branch=" + branch, callId, cseq);
        return new RegisterRequest(aor, domain, contacts, expires, callId, cseq, require, supported, path, vias, flow,
                "test-agent/1.0", transaction);
    }
}
