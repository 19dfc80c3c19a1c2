package io.parley.registry;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * One transaction of the registry's projection: its handler's changes and the offset they bring
 * the projection to are committed together, so that a restart neither loses nor repeats one.
 */
final class RegistrySession implements JdbcSession {

  private final Connection connection;

  RegistrySession(DataSource dataSource) {
    try {
      connection = dataSource.getConnection();
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("the registry could not get a database connection", e);
    }
  }

  @Override
  public <Result> Result withConnection(Function<Connection, Result> work) throws Exception {
    return work.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
