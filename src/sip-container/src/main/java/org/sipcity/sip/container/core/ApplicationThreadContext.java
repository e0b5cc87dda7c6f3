package org.sipcity.sip.container.core;

import java.util.List;
import org.sipcity.sip.container.api.ThreadSetup;

/**
 * What a worker thread carries while it runs one application's code: the application's class loader as context class
 * loader, then the application's {@link ThreadSetup}s in order. {@link #enter()} establishes it and the returned
 * scope restores the thread, so every call into application code reads {@code try (var scope = context.enter())}.
 */
public final class ApplicationThreadContext {

    private final ClassLoader classLoader;
    private final ThreadSetup[] setups;

    ApplicationThreadContext(ClassLoader classLoader, List<ThreadSetup> setups) {
        this.classLoader = classLoader;
        this.setups = setups.toArray(new ThreadSetup[0]);
    }

    /**
     * Establishes the application's context on the current thread.
     *
     * @throws RuntimeException what a setup threw, after the setups already made were torn down
     */
    public Scope enter() {
        Thread thread = Thread.currentThread();
        Scope scope = new Scope(thread, thread.getContextClassLoader(), setups.length);
        thread.setContextClassLoader(classLoader);
        try {
            for (ThreadSetup setup : setups) {
                scope.handles[scope.entered] = setup.setup();
                scope.entered++;
            }
        } catch (RuntimeException | Error e) {
            scope.close();
            throw e;
        }
        return scope;
    }

    /** Restores the thread: tears the setups down in reverse, then the context class loader. Close once. */
    public static final class Scope implements AutoCloseable {
        private final Thread thread;
        private final ClassLoader previous;
        private final ThreadSetup.Handle[] handles;
        private int entered;

        private Scope(Thread thread, ClassLoader previous, int setups) {
            this.thread = thread;
            this.previous = previous;
            this.handles = new ThreadSetup.Handle[setups];
        }

        @Override
        public void close() {
            try {
                while (entered > 0) {
                    entered--;
                    ThreadSetup.Handle handle = handles[entered];
                    handles[entered] = null;
                    if (handle != null) {
                        handle.tearDown();
                    }
                }
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }
}
