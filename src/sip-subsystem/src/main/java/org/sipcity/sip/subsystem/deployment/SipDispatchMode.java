package org.sipcity.sip.subsystem.deployment;

import java.util.Locale;
import java.util.function.Supplier;
import org.jboss.as.server.deployment.AttachmentKey;
import org.sipcity.sip.container.api.DispatchMode;

/**
 * Where a SIP deployment's code runs, attached by {@link SipInstallProcessor} for the management model: what its
 * sip.xml's {@code org.sipcity.sip.dispatch} declares, and what the container does with it once deployed (the
 * subsystem's {@code inline-dispatch} may send an inline declaration to the workers).
 */
public final class SipDispatchMode {

    public static final AttachmentKey<SipDispatchMode> KEY = AttachmentKey.create(SipDispatchMode.class);

    private final DispatchMode declared;
    private final Supplier<DispatchMode> effective;

    /** @param effective the deployed application's mode, or null while it is not deployed */
    public SipDispatchMode(DispatchMode declared, Supplier<DispatchMode> effective) {
        this.declared = declared;
        this.effective = effective;
    }

    /** {@code worker}, {@code inline}, or {@code worker (inline declared, disabled by the subsystem)}. */
    public String describe() {
        DispatchMode running = effective.get();
        if (running == null || running == declared) {
            return name(declared);
        }
        return name(running) + " (" + name(declared) + " declared, disabled by the subsystem)";
    }

    private static String name(DispatchMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
