package org.sipcity.it.sip.app;

import jakarta.enterprise.context.ApplicationScoped;

/** A CDI bean the servlet gets by {@code @Inject}: what the test application allows. */
@ApplicationScoped
public class Capabilities {

    public String allow() {
        return "OPTIONS, REGISTER";
    }
}
