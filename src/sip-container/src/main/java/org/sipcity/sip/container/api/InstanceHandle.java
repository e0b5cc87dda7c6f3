package org.sipcity.sip.container.api;

/** An instance made by an {@link InstanceFactory}, released (pre-destroy, uninjection) when the container is done with it. */
public interface InstanceHandle<T> {

    T instance();

    void release();
}
