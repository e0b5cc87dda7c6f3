package org.sipcity.sip.container.deployment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.annotation.SipApplication;
import javax.servlet.sip.annotation.SipApplicationKey;
import javax.servlet.sip.annotation.SipListener;
import org.sipcity.sip.container.api.SipDeploymentException;
import org.sipcity.sip.container.api.SipDeploymentInfo;
import org.sipcity.sip.container.api.SipServletInfo;

/**
 * Reads the JSR 289 §18 annotations of classes an embedder found in a module (scanning the archive is the server's
 * job): {@code @SipApplication} on a package, {@code @SipServlet} on servlet classes, {@code @SipListener} on listener
 * classes. When there is also a sip.xml, it wins for what it declares (§18.1): its servlets and listeners are kept,
 * annotated ones are added; its app-name, main-servlet and session timeout override the annotation's.
 */
public final class SipAnnotations {

    private SipAnnotations() {
    }

    /**
     * @param classes     the module's classes (others are ignored)
     * @param descriptor  what sip.xml declared, or null
     * @param defaultName the module name, used when neither gives an application name
     * @param source      the module, for messages
     */
    public static SipDeploymentInfo.Builder read(Collection<Class<?>> classes, SipDeploymentInfo.Builder descriptor,
                                                 String defaultName, String source) throws SipDeploymentException {
        SipApplication application = null;
        Package applicationPackage = null;
        List<Class<?>> servlets = new ArrayList<>();
        List<Class<?>> listeners = new ArrayList<>();
        for (Class<?> type : classes) {
            Package p = type.getPackage();
            SipApplication onPackage = p == null ? null : p.getAnnotation(SipApplication.class);
            if (onPackage != null) {
                if (application != null && !Objects.equals(applicationPackage, p)) {
                    throw new SipDeploymentException(source + ": @SipApplication on two packages, "
                            + applicationPackage.getName() + " and " + p.getName() + " (one application per module)");
                }
                application = onPackage;
                applicationPackage = p;
            }
            if (type.isAnnotationPresent(javax.servlet.sip.annotation.SipServlet.class)) {
                if (!SipServlet.class.isAssignableFrom(type)) {
                    throw new SipDeploymentException(source + ": " + type.getName()
                            + " has @SipServlet but does not extend javax.servlet.sip.SipServlet");
                }
                servlets.add(type);
            }
            if (type.isAnnotationPresent(SipListener.class)) {
                listeners.add(type);
            }
        }

        String name = descriptor != null && descriptor.applicationName() != null ? descriptor.applicationName()
                : application != null && !application.name().isEmpty() ? application.name() : defaultName;
        SipDeploymentInfo.Builder builder = descriptor != null ? descriptor : SipDeploymentInfo.builder(name).source(source);
        if (descriptor == null && application != null) {
            builder.mainServlet(application.mainServlet());
            builder.displayName(application.displayName().isEmpty() ? null : application.displayName());
            builder.sessionTimeoutMinutes(application.sessionTimeout());
        }
        checkApplicationName(name, servlets, listeners, source);

        Map<String, SipServletInfo> known = new LinkedHashMap<>();
        for (SipServletInfo declared : builder.servlets()) {
            known.put(declared.name(), declared);
        }
        for (Class<?> type : servlets) {
            javax.servlet.sip.annotation.SipServlet annotation = type.getAnnotation(javax.servlet.sip.annotation.SipServlet.class);
            String servletName = annotation.name().isEmpty() ? type.getSimpleName() : annotation.name();
            SipServletInfo existing = known.get(servletName);
            if (existing != null) {
                if (!existing.className().equals(type.getName())) {
                    throw new SipDeploymentException(source + ": servlet name '" + servletName + "' is used by "
                            + existing.className() + " and by @SipServlet " + type.getName());
                }
                continue;   // sip.xml declared it already and wins
            }
            SipServletInfo info = new SipServletInfo(servletName, type.getName(), annotation.loadOnStartup(), Map.of());
            known.put(servletName, info);
            builder.addServlet(info);
        }
        for (Class<?> type : listeners) {
            builder.addListener(type.getName());
        }
        applicationKey(classes, name, builder, source);
        return builder;
    }

    /** JSR 289 §15.11.2: at most one {@code public static String m(SipServletRequest)} annotated @SipApplicationKey. */
    private static void applicationKey(Collection<Class<?>> classes, String name, SipDeploymentInfo.Builder builder,
                                       String source) throws SipDeploymentException {
        java.lang.reflect.Method found = null;
        for (Class<?> type : classes) {
            for (java.lang.reflect.Method method : type.getDeclaredMethods()) {
                SipApplicationKey key = method.getAnnotation(SipApplicationKey.class);
                if (key == null) {
                    continue;
                }
                int modifiers = method.getModifiers();
                if (!java.lang.reflect.Modifier.isPublic(modifiers) || !java.lang.reflect.Modifier.isStatic(modifiers)
                        || method.getReturnType() != String.class || method.getParameterCount() != 1
                        || method.getParameterTypes()[0] != javax.servlet.sip.SipServletRequest.class) {
                    throw new SipDeploymentException(source + ": @SipApplicationKey method " + type.getName() + "."
                            + method.getName() + " must be public static String " + method.getName()
                            + "(javax.servlet.sip.SipServletRequest)");
                }
                if (!key.applicationName().isEmpty() && !key.applicationName().equals(name)) {
                    throw new SipDeploymentException(source + ": @SipApplicationKey " + type.getName() + "."
                            + method.getName() + " names application '" + key.applicationName() + "', not '" + name + "'");
                }
                if (found != null) {
                    throw new SipDeploymentException(source + ": two @SipApplicationKey methods, "
                            + found.getDeclaringClass().getName() + "." + found.getName() + " and "
                            + type.getName() + "." + method.getName());
                }
                found = method;
            }
        }
        if (found != null) {
            builder.applicationKey(found.getDeclaringClass().getName(), found.getName());
        }
    }

    /** JSR 289 §18.2: applicationName of @SipServlet/@SipListener, if given, must be this application's. */
    private static void checkApplicationName(String name, List<Class<?>> servlets, List<Class<?>> listeners,
                                             String source) throws SipDeploymentException {
        for (Class<?> type : servlets) {
            String declared = type.getAnnotation(javax.servlet.sip.annotation.SipServlet.class).applicationName();
            if (!declared.isEmpty() && !declared.equals(name)) {
                throw new SipDeploymentException(source + ": @SipServlet " + type.getName() + " names application '"
                        + declared + "' but the module is application '" + name + "'");
            }
        }
        for (Class<?> type : listeners) {
            String declared = type.getAnnotation(SipListener.class).applicationName();
            if (!declared.isEmpty() && !declared.equals(name)) {
                throw new SipDeploymentException(source + ": @SipListener " + type.getName() + " names application '"
                        + declared + "' but the module is application '" + name + "'");
            }
        }
    }
}
