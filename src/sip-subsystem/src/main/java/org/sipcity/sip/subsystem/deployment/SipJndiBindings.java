package org.sipcity.sip.subsystem.deployment;

import java.util.List;
import java.util.function.Supplier;
import jakarta.servlet.ServletContext;
import org.jboss.as.naming.ServiceBasedNamingStore;
import org.jboss.as.naming.ValueManagedReferenceFactory;
import org.jboss.as.naming.deployment.ContextNames;
import org.jboss.as.naming.service.BinderService;
import org.jboss.msc.service.ServiceBuilder;
import org.jboss.msc.service.ServiceName;
import org.jboss.msc.service.ServiceTarget;

/**
 * Binds what JSR 289 §2.3 publishes as servlet-context attributes of a SIP application, the {@code SipFactory}, the
 * {@code SipSessionsUtil} and the {@code TimerService}, also in the web module's naming context, so that application
 * code reaches them as {@code java:comp/env/sip/APP/SipFactory} (in a web module {@code java:comp} is
 * {@code java:module}). The bindings start after the application is deployed and go with the deployment.
 */
final class SipJndiBindings {

    /** Attribute name in the servlet context, and the name under {@code env/sip/APP/}. */
    private record Binding(String attribute, String name) {
    }

    private static final List<Binding> BINDINGS = List.of(
            new Binding("javax.servlet.sip.SipFactory", "SipFactory"),
            new Binding("javax.servlet.sip.SipSessionsUtil", "SipSessionsUtil"),
            new Binding("javax.servlet.sip.TimerService", "TimerService"));

    private SipJndiBindings() {
    }

    /**
     * @param module      the web module's name (its deployment name without {@code .war})
     * @param application the SIP application's name
     * @param deployed    the service that deployed the application into the container
     * @param context     the application's servlet context once deployed
     */
    static void install(ServiceTarget target, String module, String application, ServiceName deployed,
                        Supplier<ServletContext> context) {
        for (Binding binding : BINDINGS) {
            String jndiName = "java:module/env/sip/" + application + "/" + binding.name();
            ContextNames.BindInfo bindInfo = ContextNames.bindInfoFor(module, module, module, jndiName);
            BinderService binder = new BinderService(bindInfo.getBindName());
            binder.getManagedObjectInjector().inject(new ValueManagedReferenceFactory(() -> context.get().getAttribute(binding.attribute())));
            ServiceBuilder<?> builder = target.addService(bindInfo.getBinderServiceName(), binder);
            builder.addDependency(bindInfo.getParentContextServiceName(), ServiceBasedNamingStore.class, binder.getNamingStoreInjector());
            builder.requires(deployed);
            builder.install();
        }
    }
}
