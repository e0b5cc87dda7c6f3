package org.sipcity.sip.subsystem;

import org.jboss.as.controller.ModelVersion;
import org.jboss.as.controller.SubsystemModel;

/** The versions of the sip subsystem's management model; a new release that changes the model adds one. */
public enum SipSubsystemModel implements SubsystemModel {
    VERSION_1_0_0(1, 0, 0);

    public static final SipSubsystemModel CURRENT = VERSION_1_0_0;

    private final ModelVersion version;

    SipSubsystemModel(int major, int minor, int micro) {
        this.version = ModelVersion.create(major, minor, micro);
    }

    @Override
    public ModelVersion getVersion() {
        return version;
    }
}
