package org.sipcity.it.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The database behind the server's {@code SipCityDS} in this test run, chosen by the system property
 * {@code sipcity.it.database} (set per failsafe execution, default {@code h2}). The server itself gets the same choice
 * through the Arquillian container configuration named by {@code arquillian.launch} (see {@code arquillian.xml}).
 *
 * <p>MariaDB and PostgreSQL are reached as CI sets them up ({@code .ci/run}: root with an empty password, postgres
 * trusted, database {@code test}); from there {@link #prepare()} creates the tests' own database and user
 * ({@code sipcity.it.db.name}, {@code sipcity.it.db.user}, {@code sipcity.it.db.password}), so the ITs neither share
 * tables with the registrar's Java SE tests (which empty theirs) nor need an empty datasource password (WildFly refuses
 * one). The registrar creates its tables there itself, as in production ({@code hbm2ddl.auto=update}).
 */
public enum ItDatabase {

    H2(null, null),
    MARIADB("jdbc:mariadb://127.0.0.1:3306/test?connectTimeout=3000", "root"),
    POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/test?connectTimeout=3", "postgres");

    private final String defaultAdminUrl;
    private final String defaultAdminUser;

    ItDatabase(String defaultAdminUrl, String defaultAdminUser) {
        this.defaultAdminUrl = defaultAdminUrl;
        this.defaultAdminUser = defaultAdminUser;
    }

    /** The database of this run: {@code sipcity.it.database}, default H2. */
    public static ItDatabase current() {
        return valueOf(System.getProperty("sipcity.it.database", "h2").strip().toUpperCase(Locale.ROOT));
    }

    /** The administrator's URL (a database that exists: CI's {@code test}), {@code sipcity.it.<db>.admin-url}. */
    String adminUrl() {
        return System.getProperty("sipcity.it." + name().toLowerCase(Locale.ROOT) + ".admin-url", defaultAdminUrl);
    }

    String adminUser() {
        return System.getProperty("sipcity.it." + name().toLowerCase(Locale.ROOT) + ".admin-user", defaultAdminUser);
    }

    static String databaseName() {
        return identifier(System.getProperty("sipcity.it.db.name", "sipcity_it"));
    }

    static String user() {
        return identifier(System.getProperty("sipcity.it.db.user", "sipcity_it"));
    }

    static String password() {
        String password = System.getProperty("sipcity.it.db.password", "sipcity-it");
        if (!password.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("sipcity.it.db.password: letters, digits, _ . - only");
        }
        return password;
    }

    /**
     * Makes sure the tests' database and user exist, so that the server can connect with them.
     *
     * @return {@code null} when ready; otherwise why not, for the skip or failure message
     */
    String prepare() {
        if (this == H2) {
            return null;
        }
        try (Connection admin = DriverManager.getConnection(adminUrl(), adminUser(), "");
             Statement sql = admin.createStatement()) {
            if (this == MARIADB) {
                prepareMariaDb(sql);
            } else {
                preparePostgreSql(sql);
            }
            return null;
        } catch (SQLException e) {
            return this + " at " + adminUrl() + " (user " + adminUser() + ") is unreachable or refused: " + e.getMessage()
                    + "; CI starts it (.ci/run), locally start it to run these tests";
        }
    }

    private static void prepareMariaDb(Statement sql) throws SQLException {
        // Binary collation: SIP user parts are case-sensitive (see the registrar README's schema notes).
        sql.execute("CREATE DATABASE IF NOT EXISTS " + databaseName() + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        // The server connects over TCP to 127.0.0.1, which MariaDB may see as either host name.
        for (String host : new String[] {"127.0.0.1", "localhost"}) {
            String account = "'" + user() + "'@'" + host + "'";
            sql.execute("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY '" + password() + "'");
            sql.execute("GRANT ALL PRIVILEGES ON " + databaseName() + ".* TO " + account);
        }
    }

    private static void preparePostgreSql(Statement sql) throws SQLException {
        sql.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + user() + "') THEN "
                + "CREATE ROLE " + user() + " LOGIN PASSWORD '" + password() + "'; END IF; END $$");
        boolean exists;
        try (var rows = sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + databaseName() + "'")) {
            exists = rows.next();
        }
        if (!exists) {
            try {
                sql.execute("CREATE DATABASE " + databaseName() + " OWNER " + user());
            } catch (SQLException raced) {
                // Another build created it between the query and here: fine if it exists now.
                try (var rows = sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + databaseName() + "'")) {
                    if (!rows.next()) {
                        throw raced;
                    }
                }
            }
        }
    }

    private static String identifier(String name) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain SQL identifier: " + name);
        }
        return name;
    }
}
