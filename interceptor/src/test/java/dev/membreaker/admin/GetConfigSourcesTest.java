package dev.membreaker.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.ConfigSnapshot;
import dev.membreaker.admin.v1.DimensionList;
import dev.membreaker.admin.v1.GetConfigRequest;
import dev.membreaker.admin.v1.UpdateConfigRequest;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.config.ConfigWatcher;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeMemorySource;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GetConfig says where each value comes from and shows the file's error; start-only keys wait. */
class GetConfigSourcesTest {

  @TempDir Path dir;
  private MemoryBreaker breaker;
  private ConfigWatcher watcher;
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    watcher.close();
    breaker.close();
  }

  private BreakerAdminGrpc.BreakerAdminBlockingStub admin() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer t");
    return BreakerAdminGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void eachValueSaysWhereItCameFromAndTheFilesErrorShows() throws Exception {
    Path file = dir.resolve("membreaker.yaml");
    Files.writeString(file, "breaker:\n  warning: 0.72\n");
    breaker =
        MemoryBreaker.builder()
            .sources(List.of(FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.3)))
            .listenerExecutor(Runnable::run)
            .build();
    watcher = ConfigWatcher.start(file, breaker, Duration.ofMinutes(1), c -> {});
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                BreakerAdminService.builder(breaker)
                    .token(AdminToken.of("t"))
                    .configFile(watcher::current)
                    .build()
                    .bindService())
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();

    ConfigSnapshot c = admin().getConfig(GetConfigRequest.getDefaultInstance());
    assertThat(c.getSourcesMap()).containsEntry("warning", "file").containsEntry("open", "default");
    assertThat(c.getSourcesMap().keySet())
        .containsExactlyInAnyOrderElementsOf(breaker.config().values().keySet());
    assertThat(c.getLastConfigError()).isEmpty();

    // dimensions and failure_codes are readable and changeable at runtime
    assertThat(c.getConfig().getDimensions().getNamesList()).contains("heap_live", "in_flight");
    ConfigSnapshot changed =
        admin()
            .updateConfig(
                UpdateConfigRequest.newBuilder()
                    .setReason("narrow")
                    .setChanges(
                        dev.membreaker.admin.v1.BreakerConfig.newBuilder()
                            .setDimensions(
                                DimensionList.newBuilder().addNames("heap_live").addNames("direct"))
                            .setFailureCodes(
                                dev.membreaker.admin.v1.CodeList.newBuilder().addCodes(14)))
                    .build());
    assertThat(changed.getConfig().getDimensions().getNamesList())
        .containsExactly("heap_live", "direct");
    assertThat(changed.getConfig().getFailureCodes().getCodesList()).containsExactly(14);
    assertThat(changed.getSourcesMap())
        .containsEntry("dimensions", "admin")
        .containsEntry("failure_codes", "admin")
        .containsEntry("warning", "file");

    // A broken file: its error is in GetConfig too, and stays after an admin change.
    Files.writeString(file, "breaker:\n  warning: high\n");
    watcher.reloadIfChanged();
    admin()
        .updateConfig(
            UpdateConfigRequest.newBuilder()
                .setReason("still")
                .setChanges(dev.membreaker.admin.v1.BreakerConfig.newBuilder().setOpen(0.92))
                .build());
    assertThat(admin().getConfig(GetConfigRequest.getDefaultInstance()).getLastConfigError())
        .contains("breaker.warning");

    // A start-only key changed in the file: the rest applies, the key waits for a restart, and
    // GetConfig shows the value in force and says so.
    Files.writeString(file, "breaker:\n  warning: 0.73\n  cgroup_read_interval: 2s\n");
    watcher.reloadIfChanged();
    ConfigSnapshot after = admin().getConfig(GetConfigRequest.getDefaultInstance());
    assertThat(after.getConfig().getWarning()).isEqualTo(0.73);
    assertThat(after.getConfig().getCgroupReadInterval().getSeconds())
        .isZero(); // 500ms, as at start
    assertThat(after.getLastConfigError()).contains("cgroup_read_interval").contains("next start");
    await().atMost(Duration.ofSeconds(2)).until(() -> breaker.config().warning() == 0.73);
  }
}
