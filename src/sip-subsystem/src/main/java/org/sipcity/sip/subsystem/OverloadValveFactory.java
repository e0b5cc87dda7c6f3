package org.sipcity.sip.subsystem;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.modules.Module;
import org.jboss.modules.ModuleLoadException;
import org.sipcity.sip.subsystem.logging.SipLogger;
import org.sipcity.stack.overload.OverloadSettings;
import org.sipcity.stack.overload.OverloadValve;
import org.sipcity.stack.overload.WorkerQueueLoad;

/**
 * Makes the stack's overload valve from {@code overload-valve-class} and {@code overload-valve-module}, as Tomcat
 * installs a valve class: our {@code SojournTimeValve} by default, else an operator's class from the JBoss module
 * they installed (its module.xml depends on {@code org.sipcity.sip.stack}). The class is loaded when the operation
 * runs, so a wrong name fails it; the valve is made when the stack starts, with the container's worker queue.
 *
 * <p>The class must implement {@link OverloadValve} and have a public constructor taking
 * ({@link OverloadSettings}, {@link WorkerQueueLoad}) — it then gets the thresholds of this resource and the
 * servlet container's queue — or else a public constructor without parameters.
 */
final class OverloadValveFactory {

    private final Class<? extends OverloadValve> valveClass;
    private final OverloadSettings settings;

    private OverloadValveFactory(Class<? extends OverloadValve> valveClass, OverloadSettings settings) {
        this.valveClass = valveClass;
        this.settings = settings;
    }

    /**
     * @param moduleName the operator's module, or {@code null} for a class the stack module holds
     */
    static OverloadValveFactory load(String className, String moduleName, OverloadSettings settings)
            throws OperationFailedException {
        try {
            ClassLoader loader = moduleName == null ? OverloadValve.class.getClassLoader()
                    : Module.getBootModuleLoader().loadModule(moduleName).getClassLoader();
            Class<?> loaded = Class.forName(className, false, loader);
            if (!OverloadValve.class.isAssignableFrom(loaded)) {
                throw SipLogger.ROOT_LOGGER.invalidOverloadValve(className, moduleName, "it does not implement " + OverloadValve.class.getName());
            }
            return new OverloadValveFactory(loaded.asSubclass(OverloadValve.class), settings);
        } catch (ClassNotFoundException | ModuleLoadException | LinkageError e) {
            throw SipLogger.ROOT_LOGGER.invalidOverloadValve(className, moduleName, e.toString());
        }
    }

    /** Makes the valve for a stack whose worker queue is {@code workers}. */
    OverloadValve create(WorkerQueueLoad workers) {
        try {
            Constructor<? extends OverloadValve> configured = constructor(OverloadSettings.class, WorkerQueueLoad.class);
            if (configured != null) {
                return configured.newInstance(settings, workers);
            }
            Constructor<? extends OverloadValve> plain = constructor();
            if (plain == null) {
                throw new IllegalStateException(SipLogger.ROOT_LOGGER.overloadValveWithoutConstructor(valveClass.getName()));
            }
            return plain.newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(SipLogger.ROOT_LOGGER.overloadValveFailed(valveClass.getName(), String.valueOf(e.getCause())), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(SipLogger.ROOT_LOGGER.overloadValveFailed(valveClass.getName(), e.toString()), e);
        }
    }

    String valveClassName() {
        return valveClass.getName();
    }

    private Constructor<? extends OverloadValve> constructor(Class<?>... parameters) {
        try {
            return valveClass.getConstructor(parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
