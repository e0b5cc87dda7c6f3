package org.sipcity.sip.subsystem.deployment;

import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.InjectionTarget;
import java.util.function.Supplier;
import org.sipcity.sip.container.api.InstanceFactory;
import org.sipcity.sip.container.api.InstanceHandle;

/**
 * Creates servlets and listeners of a SIP application through the CDI container of its deployment, as non-contextual
 * instances: constructor, {@code @Inject} fields and methods, and the resource injections WildFly's Weld integration
 * resolves ({@code @Resource}, {@code @PersistenceContext}), then {@code @PostConstruct}; release runs
 * {@code @PreDestroy} and frees dependent objects. A deployment without CDI gets plain construction.
 *
 * <p>The bean manager is the deployment's own (its Weld service, started before the application is deployed); the
 * thread context class loader is the application's while an instance is made or released, as Weld's proxies expect.
 */
final class CdiInstanceFactory implements InstanceFactory {

    private final ClassLoader applicationLoader;
    private final Supplier<BeanManager> beanManager;

    /** @param beanManager the deployment's bean manager; supplies null for a deployment without CDI */
    CdiInstanceFactory(ClassLoader applicationLoader, Supplier<BeanManager> beanManager) {
        this.applicationLoader = applicationLoader;
        this.beanManager = beanManager;
    }

    @Override
    public <T> InstanceHandle<T> createInstance(Class<T> type) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(applicationLoader);
        try {
            BeanManager beans = beanManager.get();
            if (beans == null) {
                T plain = type.getDeclaredConstructor().newInstance();
                return handle(plain, () -> { });
            }
            InjectionTarget<T> target = beans.getInjectionTargetFactory(beans.createAnnotatedType(type)).createInjectionTarget(null);
            CreationalContext<T> context = beans.createCreationalContext(null);
            T instance = target.produce(context);
            target.inject(instance, context);
            target.postConstruct(instance);
            return handle(instance, () -> {
                ClassLoader before = Thread.currentThread().getContextClassLoader();
                Thread.currentThread().setContextClassLoader(applicationLoader);
                try {
                    target.preDestroy(instance);
                    target.dispose(instance);
                    context.release();
                } finally {
                    Thread.currentThread().setContextClassLoader(before);
                }
            });
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static <T> InstanceHandle<T> handle(T instance, Runnable release) {
        return new InstanceHandle<>() {
            @Override
            public T instance() {
                return instance;
            }

            @Override
            public void release() {
                release.run();
            }
        };
    }
}
