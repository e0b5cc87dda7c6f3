package org.sipcity.sip.container.api;

/**
 * Prepares a worker thread for the code of one SIP application and undoes it afterwards: the counterpart of
 * Undertow's {@code ThreadSetupAction}. The container runs every call into application code (servlets, listeners,
 * servlet timers, the {@code @SipApplicationKey} method, and instance creation and release at deploy and undeploy)
 * between {@link #setup()} and {@link Handle#tearDown()}, on the thread that makes the call, with the application's
 * class loader already the context class loader. An embedding server uses it to establish what application code
 * expects of its thread, e.g. WildFly's {@code java:comp} naming context.
 *
 * <p>Setups of one application run in the order they were added and are torn down in reverse. They must be cheap and
 * must not block: they run for every message.
 */
@FunctionalInterface
public interface ThreadSetup {

    /**
     * Establishes the context on the current thread.
     *
     * @return what restores the thread as it was; called exactly once, on the same thread, even if the application
     * code threw
     */
    Handle setup();

    /** Restores the thread after application code ran. */
    @FunctionalInterface
    interface Handle {
        void tearDown();
    }
}
