package org.sipcity.sip.subsystem.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Reads the default application router's configuration (JSR 289 Appendix C): a properties file, a relative path
 * taken against the server's configuration directory ({@code jboss.server.config.dir}).
 */
public final class RouterProperties {

    private RouterProperties() {
    }

    /** @throws UncheckedIOException naming the file when it cannot be read (the container service fails with it) */
    public static Properties load(String location) {
        Path path = Path.of(location);
        if (!path.isAbsolute()) {
            String configDir = System.getProperty("jboss.server.config.dir");
            if (configDir != null) {
                path = Path.of(configDir).resolve(path);
            }
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the SIP application router properties " + path + ": " + e.getMessage(), e);
        }
        return properties;
    }
}
