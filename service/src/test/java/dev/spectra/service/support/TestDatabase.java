package dev.spectra.service.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database of its own for this test JVM on the CI PostgreSQL (127.0.0.1:5432, user postgres,
 * trust auth; override with SPECTRA_TEST_PG_URL / SPECTRA_TEST_PG_USER). Created on first use
 * with a random name and dropped (terminating leftover connections) when the JVM exits.
 */
public final class TestDatabase {

    private static final String SERVER = env("SPECTRA_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
    private static final String USER = env("SPECTRA_TEST_PG_USER", "postgres");
    private static String name;

    private TestDatabase() {
    }

    public static synchronized String url() {
        if (name == null) {
            name = "spectra_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            execute("CREATE DATABASE " + name);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")));
        }
        return SERVER + name;
    }

    /**
     * Another empty database (name starting with {@code prefix}), dropped when the JVM exits: for
     * tests whose workers must not see other tests' queued jobs.
     */
    public static String fresh(String prefix) {
        String db = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE DATABASE " + db);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)")));
        return db;
    }

    /** JDBC URL of {@code database} on the test server. */
    public static String url(String database) {
        return SERVER + database;
    }

    public static String user() {
        return USER;
    }

    public static String name() {
        return name;
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Tests need PostgreSQL at " + SERVER + " (user " + USER + "): " + e.getMessage(), e);
        }
    }

    private static String env(String key, String dflt) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? dflt : v;
    }
}
