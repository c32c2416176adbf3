// Starts DynamoDB Local listening on 127.0.0.1 only: its own launcher binds every interface and has no host option, and
// it has no authentication, so anyone on the network could read respondents' names, phones and e-mails from it.
//
// Run with DynamoDBLocal.jar and DynamoDBLocal_lib/* on the class path; takes DynamoDB Local's own arguments
// (-port N -sharedDb -disableTelemetry -dbPath dir | -inMemory). Telemetry is never configured, so none is sent.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class LoopbackDynamoDbLocal {
  private static final String LOOPBACK = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The Jetty server is built with `new Server(port)`, which adds one connector on all interfaces; it is not bound
    // until start(), so narrowing its host here is enough.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) fail("DynamoDB Local has no connector to bind to " + LOOPBACK);
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) fail("unexpected connector " + connector.getClass().getName());
      ((ServerConnector) connector).setHost(LOOPBACK);
    }
    // start() reports a failed bind on stderr ("Could not start server on port …") and returns without throwing.
    proxy.start();
    if (!server.isStarted()) fail("DynamoDB Local did not start");
    for (Connector connector : server.getConnectors()) {
      String host = ((ServerConnector) connector).getHost();
      if (!LOOPBACK.equals(host)) fail("DynamoDB Local is bound to " + host + ", not " + LOOPBACK);
    }
    System.out.println("Listening on " + LOOPBACK + ":" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
    proxy.join();
  }

  private static void fail(String message) {
    System.err.println("LoopbackDynamoDbLocal: " + message);
    System.exit(1);
  }
}
