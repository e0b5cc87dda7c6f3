package org.sipcity.registrar.jpa;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;

/**
 * The real databases the JPA tests run against: H2 in a file under target/, and the PostgreSQL and MariaDB servers
 * of this machine or CI on loopback (PostgreSQL: user postgres, trust authentication, database test; MariaDB: root
 * with an empty password, database test). URLs can be overridden with -Dsipcity.test.postgresql.url and
 * -Dsipcity.test.mariadb.url.
 */
public enum TestDatabase {

    H2(null, "sa", ""),
    POSTGRESQL(System.getProperty("sipcity.test.postgresql.url",
            "jdbc:postgresql://127.0.0.1:5432/test?connectTimeout=3&reWriteBatchedInserts=true"), "postgres", ""),
    MARIADB(System.getProperty("sipcity.test.mariadb.url",
            "jdbc:mariadb://127.0.0.1:3306/test?connectTimeout=3000"), "root", "");

    private final String url;
    private final String user;
    private final String password;

    TestDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public String url(String name) {
        if (this == H2) {
            Path dir = Path.of(System.getProperty("sipcity.test.h2.dir", "target/h2")).toAbsolutePath();
            // e.g. -Dsipcity.test.h2.options=;CACHE_SIZE=4096 to measure with the server's page cache setting
            return "jdbc:h2:file:" + dir.resolve(name) + ";DB_CLOSE_DELAY=-1" + System.getProperty("sipcity.test.h2.options", "");
        }
        return url;
    }

    /** {@code null} when the server answers; otherwise why not, for the skip message. */
    public String unreachableReason(String name) {
        try (Connection connection = DriverManager.getConnection(url(name), user, password)) {
            return connection.isValid(3) ? null : this + " at " + url(name) + " does not answer";
        } catch (SQLException e) {
            return this + " at " + url(name) + " is unreachable (" + e.getMessage()
                    + "); CI starts it, locally start it to run these tests";
        }
    }

    public EntityManagerFactory open(String name) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("jakarta.persistence.jdbc.url", url(name));
        properties.put("jakarta.persistence.jdbc.user", user);
        properties.put("jakarta.persistence.jdbc.password", password);
        return Persistence.createEntityManagerFactory("sipcity-test", properties);
    }
}
