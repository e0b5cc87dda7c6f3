package org.sipcity.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The PostgreSQL database the nodes share: created when missing, and subscribers added straight into the
 * registrar's table (which the first node's deployment creates), with HA1 values as the registrar stores them.
 */
final class ClusterDatabase {

    final String url = System.getProperty("sipcity.cluster.db.url");
    final String user = System.getProperty("sipcity.cluster.db.user");
    final String password = System.getProperty("sipcity.cluster.db.password");

    /** {@code null} when the server answers (the database is created if missing); otherwise why not. */
    String prepare() {
        String name = url.substring(url.lastIndexOf('/') + 1).replaceFirst("\\?.*", "");
        String serverUrl = url.substring(0, url.lastIndexOf('/') + 1) + "postgres?connectTimeout=3";
        try (Connection connection = DriverManager.getConnection(serverUrl, user, password);
                PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rows = exists.executeQuery()) {
                if (!rows.next()) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("create database \"" + name + "\"");
                    }
                }
            }
            return null;
        } catch (SQLException e) {
            return "PostgreSQL at " + serverUrl + " is unreachable (" + e.getMessage() + ")";
        }
    }

    /** A new subscriber of {@code domain} with a name of its own. */
    String newSubscriber(String domain, String secret) throws SQLException {
        String username = "cl-" + UUID.randomUUID().toString().substring(0, 13);
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement insert = connection.prepareStatement("insert into sip_subscriber"
                        + " (id, username, domain, ha1_md5, ha1_sha256) values (nextval('sip_subscriber_seq'), ?, ?, ?, ?)")) {
            String credentials = username + ":" + domain + ":" + secret;
            insert.setString(1, username);
            insert.setString(2, domain);
            insert.setString(3, hex("MD5", credentials));
            insert.setString(4, hex("SHA-256", credentials));
            insert.executeUpdate();
        }
        return username;
    }

    private static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
