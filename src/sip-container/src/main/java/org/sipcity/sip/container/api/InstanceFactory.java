package org.sipcity.sip.container.api;

/**
 * Makes the instances of servlets and listeners. The default uses the public no-argument constructor; WildFly plugs
 * in its EE component machinery (injection, interceptors, CDI) here, as Undertow does with its own InstanceFactory.
 */
@FunctionalInterface
public interface InstanceFactory {

    /**
     * @param type the class, loaded with the application's class loader
     * @return a handle on a new instance; {@link InstanceHandle#release()} is called when the container is done
     * @throws Exception anything construction or injection throws; deployment fails with it as the cause
     */
    <T> InstanceHandle<T> createInstance(Class<T> type) throws Exception;
}
