package org.sipcity.sip.subsystem.deployment;

import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.as.naming.ServiceBasedNamingStore;
import org.jboss.as.naming.ValueManagedReferenceFactory;
import org.jboss.as.naming.deployment.ContextNames;
import org.jboss.as.naming.service.BinderService;
import org.jboss.msc.service.ServiceBuilder;
import org.jboss.msc.service.ServiceName;
import org.jboss.msc.service.ServiceTarget;
import org.sipcity.sip.container.api.ApplicationInitializer;

/**
 * Binds what JSR 289 §2.3 publishes as servlet-context attributes of a SIP application, the {@code SipFactory}, the
 * {@code SipSessionsUtil} and the {@code TimerService}, in the web module's naming context (in a web module
 * {@code java:comp} is {@code java:module}):
 * <ul>
 * <li>always as {@code java:comp/env/sip/APP/SipFactory} (and {@code SipSessionsUtil}, {@code TimerService});</li>
 * <li>for every {@code @Resource} of those types in the deployment, under the name the annotation resolves to
 * (JSR 250: {@code name}, or by default {@code CLASS/FIELD}), which is where Weld's resource injection looks it up
 * when it makes a SIP servlet or listener.</li>
 * </ul>
 * The bound values come from the application's servlet context, which the container hands to
 * {@link #initializer()} after it published the services and before it makes any instance; the deployment of the
 * application waits for the binders ({@link #binderServices()}), so injection finds them.
 */
final class SipJndiBindings {

    /** JSR 289 §2.3: the bindable services; each is the servlet-context attribute named after its interface. */
    static final List<String> SERVICE_TYPES =
            List.of("javax.servlet.sip.SipFactory", "javax.servlet.sip.SipSessionsUtil", "javax.servlet.sip.TimerService");

    private final String module;
    private final AtomicReference<ServletContext> context = new AtomicReference<>();
    /** Name relative to java:comp/env → servlet-context attribute. */
    private final Map<String, String> bindings = new LinkedHashMap<>();

    /**
     * @param module      the web module's name (its deployment name without {@code .war})
     * @param application the SIP application's name
     */
    SipJndiBindings(String module, String application) {
        this.module = module;
        for (String type : SERVICE_TYPES) {
            bindings.put("sip/" + application + "/" + type.substring(type.lastIndexOf('.') + 1), type);
        }
    }

    /**
     * Adds the name a {@code @Resource} of a SIP service type resolves to.
     *
     * @param envName the name relative to {@code java:comp/env}
     * @param type    the injected type, one of {@link #SERVICE_TYPES}
     * @return false if the name is already bound to another service (the deployment is then in error)
     */
    boolean addResourceReference(String envName, String type) {
        String existing = bindings.putIfAbsent(envName, type);
        return existing == null || existing.equals(type);
    }

    /** Publishes the application's servlet context to the bindings; handed to the container with the deployment. */
    ApplicationInitializer initializer() {
        return context::set;
    }

    /** Installs one binder per name; returns their service names, for the application's deployment to require. */
    List<ServiceName> install(ServiceTarget target) {
        List<ServiceName> binders = new ArrayList<>(bindings.size());
        for (Map.Entry<String, String> binding : bindings.entrySet()) {
            String attribute = binding.getValue();
            ContextNames.BindInfo bindInfo = ContextNames.bindInfoFor(module, module, module, "java:module/env/" + binding.getKey());
            BinderService binder = new BinderService(bindInfo.getBindName());
            binder.getManagedObjectInjector().inject(new ValueManagedReferenceFactory(() -> {
                ServletContext servletContext = context.get();
                return servletContext == null ? null : servletContext.getAttribute(attribute);
            }));
            ServiceBuilder<?> builder = target.addService(bindInfo.getBinderServiceName(), binder);
            builder.addDependency(bindInfo.getParentContextServiceName(), ServiceBasedNamingStore.class, binder.getNamingStoreInjector());
            builder.install();
            binders.add(bindInfo.getBinderServiceName());
        }
        return binders;
    }
}
