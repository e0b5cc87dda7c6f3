package org.sipcity.sip.container.core;

import org.sipcity.sip.container.api.InstanceFactory;
import org.sipcity.sip.container.api.InstanceHandle;

/** The default {@link InstanceFactory}: the public no-argument constructor, nothing injected, nothing to release. */
public final class ReflectionInstanceFactory implements InstanceFactory {

    public static final ReflectionInstanceFactory INSTANCE = new ReflectionInstanceFactory();

    @Override
    public <T> InstanceHandle<T> createInstance(Class<T> type) throws ReflectiveOperationException {
        T instance = type.getDeclaredConstructor().newInstance();
        return new InstanceHandle<>() {
            @Override
            public T instance() {
                return instance;
            }

            @Override
            public void release() {
                // nothing was injected
            }
        };
    }
}
