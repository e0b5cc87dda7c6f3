package org.sipcity.registrar.proxy;

/** Whether a user of a domain is one of our subscribers (404 versus 480 for a user with no binding). */
public interface SubscriberDirectory {

    boolean exists(String username, String domain);
}
