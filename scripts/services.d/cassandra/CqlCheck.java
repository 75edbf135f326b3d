// Readiness check for the development Cassandra: Cassandra is "ready" only when a CQL query
// succeeds (its native port opens a little before it can serve queries, and an open port says
// nothing about a wedged node). Compiled by scripts/services against the cassandra-all
// classpath, which already contains the shaded DataStax 3.x driver, so nothing extra is fetched.
//
// Usage: CqlCheck <host> <port> <timeoutSeconds> [serverPid]
// Retries until the query works or the timeout passes; gives up at once if serverPid exits.
// Exit codes: 0 ready, 2 timed out, 3 the server process is gone.

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.QueryOptions;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import com.datastax.driver.core.SocketOptions;

public final class CqlCheck {
    public static void main(String[] args) throws InterruptedException {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        long pid = args.length > 3 ? Long.parseLong(args[3]) : -1;

        Exception last = null;
        while (true) {
            if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                System.err.println("cassandra process " + pid + " is no longer running");
                System.exit(3);
            }
            // withoutJMXReporting: the 3.x driver's JMX reporter needs metrics 3.x, but
            // cassandra-all brings metrics 4.x, which no longer has it. Schema metadata is not
            // needed for one query, and skipping it makes the check faster.
            Cluster cluster = null;
            try {
                cluster = Cluster.builder()
                        .addContactPoint(host)
                        .withPort(port)
                        .withoutJMXReporting()
                        .withoutMetrics()
                        .withQueryOptions(new QueryOptions().setMetadataEnabled(false))
                        .withSocketOptions(new SocketOptions().setConnectTimeoutMillis(3000).setReadTimeoutMillis(10000))
                        .build();
                Session session = cluster.connect();
                Row row = session.execute("SELECT release_version, cluster_name FROM system.local").one();
                System.out.println("CQL ok (Cassandra " + row.getString("release_version")
                        + ", cluster " + row.getString("cluster_name") + ")");
                // Exit without Cluster.close(): its graceful netty shutdown waits a 2 s quiet period.
                System.exit(0);
            } catch (Exception e) {
                last = e;
                if (cluster != null) cluster.closeAsync();
            }
            if (System.nanoTime() > deadline) {
                System.err.println("CQL query did not succeed on " + host + ":" + port + ": " + last);
                System.exit(2);
            }
            Thread.sleep(1000);
        }
    }
}
