package org.sipcity.sip.servlet.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The class files of the API as this module built them, found where the class path holds
 * {@code javax/servlet/sip/SipServlet.class}: the module's output directory under Surefire, or the packaged jar.
 * Read as resources, not loaded, so that an untransformed class (whose javax superclass is absent) is still read
 * and reported rather than failing with {@link NoClassDefFoundError}.
 */
final class TransformedApi {

    private static final String ANCHOR = "javax/servlet/sip/SipServlet.class";

    private TransformedApi() {
    }

    /** Every class file of the transformed API, by its path relative to the root (e.g. {@code javax/servlet/sip/SipServlet.class}). */
    static Map<String, byte[]> classFiles() {
        URL anchor = TransformedApi.class.getClassLoader().getResource(ANCHOR);
        if (anchor == null) {
            throw new IllegalStateException(ANCHOR + " is not on the test class path: was the API unpacked?");
        }
        try {
            if ("file".equals(anchor.getProtocol())) {
                Path root = Path.of(anchor.toURI());
                for (int depth = ANCHOR.split("/").length; depth > 0; depth--) {
                    root = root.getParent();
                }
                return classFilesUnder(root);
            }
            // jar:file:/.../x.jar!/javax/servlet/sip/SipServlet.class
            String spec = anchor.toString();
            URI jarUri = URI.create(spec.substring(0, spec.indexOf("!/")));
            try (FileSystem jar = FileSystems.newFileSystem(jarUri, Map.of())) {
                return classFilesUnder(jar.getPath("/"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> classFilesUnder(Path root) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                classes.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        return classes;
    }
}
