package org.sipcity.it.smoke;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Mounts the deployment's JAX-RS resources under {@code /api}. */
@ApplicationPath("api")
public class SmokeApplication extends Application {
}
