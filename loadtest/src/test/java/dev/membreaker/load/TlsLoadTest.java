package dev.membreaker.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.testing.TlsTesting;
import java.io.File;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with grpc-java's test certificates: --cacert and --cname. */
class TlsLoadTest {

  @TempDir Path dir;

  private Path pem(String name) throws Exception {
    Path file = dir.resolve(name);
    try (InputStream in = TlsTesting.loadCert(name)) {
      Files.copy(in, file);
    }
    return file;
  }

  private static String[] run(String... args) {
    return dev.membreaker.cli.CliRunner.run(args);
  }

  @Test
  void aTlsServerIsLoadedWithItsCaAndName() throws Exception {
    File cert = pem("server1.pem").toFile();
    File key = pem("server1.key").toFile();
    Path ca = pem("ca.pem");
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(GrpcSslContexts.forServer(cert, key).build())
            .addService(new HealthStatusManager().getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();
    String target = "127.0.0.1:" + server.getPort();
    try {
      String[] ok =
          run(
              "load",
              target,
              "--call",
              "grpc.health.v1.Health/Check",
              "-n",
              "20",
              "--cacert",
              ca.toString(),
              "--cname",
              "foo.test.google.fr");
      assertThat(ok[0]).as(ok[2]).isEqualTo("0");
      assertThat(ok[1]).contains("[OK]\t20 responses");
      String[] plain =
          run(
              "load",
              target,
              "--call",
              "grpc.health.v1.Health/Check",
              "-n",
              "1",
              "--insecure",
              "-t",
              "3s");
      assertThat(plain[0]).isEqualTo("2");
      String[] wrongName =
          run(
              "load",
              target,
              "--call",
              "grpc.health.v1.Health/Check",
              "-n",
              "1",
              "--cacert",
              ca.toString(),
              "--cname",
              "not.the.server",
              "-t",
              "3s");
      assertThat(wrongName[0]).isEqualTo("2");
      String[] both =
          run(
              "load",
              target,
              "--call",
              "grpc.health.v1.Health/Check",
              "--insecure",
              "--cacert",
              ca.toString());
      assertThat(both[0]).isEqualTo("2");
      assertThat(both[2]).contains("contradict");
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
