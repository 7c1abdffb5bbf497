package dev.membreaker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.membreaker.actions.DegradationActions;
import dev.membreaker.admin.AdminToken;
import dev.membreaker.admin.BreakerAdminService;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.config.ConfigException;
import dev.membreaker.config.ConfigFile;
import dev.membreaker.config.ConfigWatcher;
import dev.membreaker.grpc.HealthDrainAction;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.grpc.MethodPriorities;
import dev.membreaker.policy.Priority;
import dev.membreaker.spi.ServerExtension;
import dev.membreaker.telemetry.BreakerTelemetry;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Everything membreaker adds to a grpc-java server, from one config file (or the embedded
 * defaults), in one call: the breaker, the server interceptor with its stream tracer, the watcher
 * that reloads the file, the admin service on its own port (loopback and a token, as the file's
 * {@code admin} section says), OpenTelemetry metrics and spans, an optional health drain, and ORCA
 * load reports when membreaker-interceptor-orca is on the class path.
 *
 * <pre>{@code
 * try (Membreaker membreaker = Membreaker.fromFile(Path.of("membreaker.yaml")).start()) {
 *   Server server = membreaker.attach(ServerBuilder.forPort(8080).addService(new MyService()))
 *       .build()
 *       .start();
 *   server.awaitTermination();
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops what {@link Builder#start()} started, in the reverse of the order it
 * started them: the admin server, the extensions, the health drain, telemetry, the config watcher
 * and last the breaker. Stop the application's own server first.
 */
public final class Membreaker implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Membreaker.class.getName());

  private final MemoryBreaker breaker;
  private final MemoryBreakerServerInterceptor interceptor;
  private final ConfigWatcher watcher;
  private final ConfigFile startConfig;
  private final Server admin;
  private final String adminAccess;
  private final String adminHost;
  private final List<ServerExtension.Installed> extensions;
  private final Deque<AutoCloseable> closers;

  @GuardedBy("this")
  private boolean closed;

  private Membreaker(
      MemoryBreaker breaker,
      MemoryBreakerServerInterceptor interceptor,
      ConfigWatcher watcher,
      ConfigFile startConfig,
      Server admin,
      String adminAccess,
      String adminHost,
      List<ServerExtension.Installed> extensions,
      Deque<AutoCloseable> closers) {
    this.adminHost = adminHost;
    this.breaker = breaker;
    this.interceptor = interceptor;
    this.watcher = watcher;
    this.startConfig = startConfig;
    this.admin = admin;
    this.adminAccess = adminAccess;
    this.extensions = extensions;
    this.closers = closers;
  }

  /** From a YAML file (docs/configuration.md), which is watched and reloaded when it changes. */
  public static Builder fromFile(Path configFile) {
    return new Builder(Objects.requireNonNull(configFile, "configFile"));
  }

  /** From the embedded defaults ({@link ConfigFile#defaults()}), with nothing to reload. */
  public static Builder withDefaults() {
    return new Builder(null);
  }

  /**
   * From a config already parsed (such as one built from a framework's own properties), with
   * nothing to reload.
   */
  public static Builder from(ConfigFile config) {
    Builder b = new Builder(null);
    b.given = Objects.requireNonNull(config, "config");
    return b;
  }

  /**
   * Adds membreaker to {@code server}: the stream tracer that keeps the account of bytes in flight,
   * the interceptor, and what the extensions add. Returns the same builder.
   */
  public <T extends ServerBuilder<?>> T attach(T server) {
    Objects.requireNonNull(server, "server");
    server.addStreamTracerFactory(interceptor.streamTracerFactory());
    server.intercept(interceptor);
    for (ServerExtension.Installed extension : extensions) {
      extension.services().forEach(server::addService);
      extension.interceptors().forEach(server::intercept); // added later, so they run first
    }
    return server;
  }

  public MemoryBreaker breaker() {
    return breaker;
  }

  public MemoryBreakerServerInterceptor interceptor() {
    return interceptor;
  }

  /** The config in force: the last file applied, or what the handle started with. */
  public ConfigFile config() {
    return watcher != null ? watcher.current() : startConfig;
  }

  /** The admin server's address as configured (such as 127.0.0.1), or null when there is none. */
  public String adminHost() {
    return admin == null ? null : adminHost;
  }

  /** The admin server's port, or -1 when there is none. */
  public int adminPort() {
    return admin == null ? -1 : admin.getPort();
  }

  /**
   * Who may change the breaker over the admin service: "token required for changes", "insecure
   * local dev", "read-only: no token", or "no admin server".
   */
  public String adminAccess() {
    return adminAccess;
  }

  /**
   * Stops everything {@link Builder#start()} started, in the order the class comment gives.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeAll(closers);
  }

  private static void closeAll(Deque<AutoCloseable> closers) {
    while (!closers.isEmpty()) {
      try {
        closers.pop().close();
      } catch (Exception e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "membreaker: stopping a part failed; going on with the rest",
            e);
      }
    }
  }

  /** Builds the handle; {@link #start()} starts it. Not thread-safe. */
  public static final class Builder {

    private final Path configFile;
    private ConfigFile given;
    private MethodPriorities.Builder priorities = MethodPriorities.builder();
    private OpenTelemetry openTelemetry;
    private boolean admin = true;
    private String adminHost;
    private Integer adminPort;
    private AdminToken adminToken;
    private Boolean adminInsecureLocalDev;
    private Function<SocketAddress, ServerBuilder<?>> adminServer = Builder::transportFor;
    private io.grpc.protobuf.services.HealthStatusManager health;
    private List<String> drainServices = List.of();
    private Duration drainDwell = Duration.ofSeconds(10);
    private Duration drainJitter = Duration.ofSeconds(5);
    private boolean extensionsEnabled = true;
    private Duration reloadPoll = Duration.ofSeconds(1);
    private Consumer<ConfigFile> onReload = file -> {};

    private Builder(Path configFile) {
      this.configFile = configFile;
    }

    /**
     * One method's priority, {@code "package.Service/Method"}; the file's {@code
     * interceptor.priorities} win over it.
     */
    public Builder priority(String fullMethodName, Priority priority) {
      priorities.put(fullMethodName, priority);
      return this;
    }

    /** The methods' priorities; the file's {@code interceptor.priorities} win over them. */
    public Builder priorities(MethodPriorities.Builder priorities) {
      this.priorities = Objects.requireNonNull(priorities, "priorities");
      return this;
    }

    /**
     * Where metrics and spans go (default: {@link GlobalOpenTelemetry#get()}, a no-op until one is
     * set).
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /** No admin server. */
    public Builder withoutAdmin() {
      this.admin = false;
      return this;
    }

    /** The admin server's address, over the file's {@code admin.host}. */
    public Builder adminHost(String host) {
      this.adminHost = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The admin server's port, over the file's {@code admin.port}; 0 for any free port. */
    public Builder adminPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("admin port must be in [0, 65535], was " + port);
      }
      this.adminPort = port;
      return this;
    }

    /** The admin token, over the file's {@code admin.token_file} and {@code admin.token_env}. */
    public Builder adminToken(AdminToken token) {
      this.adminToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Allows admin changes without a token (local development only), over the file's {@code
     * admin.insecure_local_dev}.
     */
    public Builder adminInsecureLocalDev(boolean allow) {
      this.adminInsecureLocalDev = allow;
      return this;
    }

    /**
     * How to make the admin server for an address (default: grpc-netty-shaded's, else grpc-netty's
     * {@code NettyServerBuilder.forAddress}, whichever is on the class path).
     */
    public Builder adminServer(Function<SocketAddress, ServerBuilder<?>> factory) {
      this.adminServer = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Opt-in readiness drain ({@link HealthDrainAction}): once the breaker has been OPEN for {@code
     * dwell} plus up to {@code jitter}, {@code services} ("" is the whole server) go NOT_SERVING in
     * {@code health}; they go SERVING again when it leaves OPEN.
     */
    public Builder healthDrain(
        io.grpc.protobuf.services.HealthStatusManager health,
        List<String> services,
        Duration dwell,
        Duration jitter) {
      this.health = Objects.requireNonNull(health, "health");
      this.drainServices = List.copyOf(services);
      this.drainDwell = Objects.requireNonNull(dwell, "dwell");
      this.drainJitter = Objects.requireNonNull(jitter, "jitter");
      return this;
    }

    /** Leaves out what other membreaker modules on the class path would add (ORCA reports). */
    public Builder withoutExtensions() {
      this.extensionsEnabled = false;
      return this;
    }

    /**
     * How often the config file is re-read besides its change events (default 1 s), and who is told
     * of each reload.
     */
    public Builder reload(Duration poll, Consumer<ConfigFile> onReload) {
      if (poll.isNegative() || poll.isZero()) {
        throw new IllegalArgumentException("reload poll must be positive, was " + poll);
      }
      this.reloadPoll = poll;
      this.onReload = Objects.requireNonNull(onReload, "onReload");
      return this;
    }

    /**
     * Starts it all. A config file that is missing or invalid, a token file that cannot be read, or
     * an admin port that cannot be bound fails here, with what was started already stopped.
     *
     * @throws ConfigException when the config file is invalid
     * @throws IOException when the config file or the admin port cannot be used
     */
    public Membreaker start() throws IOException {
      Deque<AutoCloseable> closers = new ArrayDeque<>(); // pushed as started, so closed in reverse
      try {
        ConfigFile config =
            given != null
                ? given
                : configFile == null
                    ? ConfigFile.defaults()
                    : ConfigFile.parse(
                        configFile.toString(),
                        Files.readString(configFile, StandardCharsets.UTF_8));
        MemoryBreaker breaker =
            MemoryBreaker.builder()
                .config(config.breaker())
                .cohorts(config.cohorts().profiles())
                .build();
        closers.push(breaker);
        ConfigWatcher watcher = null;
        if (configFile != null) {
          watcher = ConfigWatcher.start(configFile, breaker, reloadPoll, onReload);
          closers.push(watcher);
          config = watcher.current();
        }
        breaker.start();
        MemoryBreakerServerInterceptor interceptor = interceptor(breaker, config);
        closers.push(
            BreakerTelemetry.install(
                    breaker,
                    openTelemetry != null ? openTelemetry : GlobalOpenTelemetry.get(),
                    interceptor)
                ::close);
        if (health != null) {
          ScheduledExecutorService scheduler =
              Executors.newSingleThreadScheduledExecutor(
                  r -> {
                    Thread t = new Thread(r, "membreaker-health-drain");
                    t.setDaemon(true);
                    return t;
                  });
          closers.push(scheduler::shutdownNow);
          DegradationActions drain =
              DegradationActions.attach(
                  breaker,
                  List.of(
                      HealthDrainAction.of(
                          breaker, health, drainServices, drainDwell, drainJitter, scheduler)));
          closers.push(drain::detach);
        }
        List<ServerExtension.Installed> extensions = new ArrayList<>();
        if (extensionsEnabled) {
          for (ServerExtension extension :
              ServiceLoader.load(ServerExtension.class, Membreaker.class.getClassLoader())) {
            ServerExtension.Installed installed = extension.install(breaker, interceptor);
            closers.push(installed);
            extensions.add(installed);
          }
        }
        Server adminServer = null;
        String access = "no admin server";
        if (admin) {
          AdminToken token = adminToken(config.admin());
          boolean insecure =
              adminInsecureLocalDev != null
                  ? adminInsecureLocalDev
                  : config.admin().insecureLocalDev();
          access =
              token.configured()
                  ? "token required for changes"
                  : insecure ? "insecure local dev" : "read-only: no token";
          adminServer = startAdmin(breaker, interceptor, config, watcher, token, insecure);
          Server started = adminServer;
          closers.push(
              () -> {
                started.shutdown();
                if (!started.awaitTermination(2, TimeUnit.SECONDS)) {
                  started.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
                }
              });
        }
        return new Membreaker(
            breaker,
            interceptor,
            watcher,
            config,
            adminServer,
            access,
            adminHost != null ? adminHost : config.admin().host(),
            List.copyOf(extensions),
            closers);
      } catch (IOException | RuntimeException | Error e) {
        closeAll(closers);
        throw e;
      }
    }

    private MemoryBreakerServerInterceptor interceptor(MemoryBreaker breaker, ConfigFile config) {
      ConfigFile.InterceptorSettings settings = config.interceptor();
      MethodPriorities.Builder all = priorities.defaultPriority(settings.defaultPriority());
      settings.priorities().forEach(all::put);
      return MemoryBreakerServerInterceptor.builder(breaker)
          .priorities(all.build())
          .priorityHeader(settings.priorityHeader())
          .allowPriorityRaise(settings.allowPriorityRaise())
          .maxConcurrentCalls(settings.maxConcurrentCalls())
          .maxRequestBytes(settings.maxRequestBytes())
          .pushback(settings.pushback())
          .cohortHeader(config.cohorts().header())
          .build();
    }

    private AdminToken adminToken(ConfigFile.AdminSettings settings) {
      return adminToken != null
          ? adminToken
          : settings.tokenFile() != null
              ? AdminToken.fromFile(Path.of(settings.tokenFile()))
              : AdminToken.fromEnvironment(settings.tokenEnv());
    }

    private Server startAdmin(
        MemoryBreaker breaker,
        MemoryBreakerServerInterceptor interceptor,
        ConfigFile config,
        ConfigWatcher watcher,
        AdminToken token,
        boolean insecure)
        throws IOException {
      ConfigFile.AdminSettings settings = config.admin();
      BreakerAdminService.Builder service =
          BreakerAdminService.builder(breaker)
              .interceptor(interceptor)
              .token(token)
              .allowInsecureLocalDev(insecure)
              .watchBuffer(settings.watchBuffer());
      ConfigFile fixed = config;
      service.configFile(watcher != null ? watcher::current : () -> fixed);
      String host = adminHost != null ? adminHost : settings.host();
      int port = adminPort != null ? adminPort : settings.port();
      ServerBuilder<?> builder =
          adminServer.apply(new InetSocketAddress(host, port)).addService(service.build());
      if (onClassPath(
          "io.grpc.protobuf.services.ProtoReflectionServiceV1")) { // for grpcurl and the like
        builder.addService(io.grpc.protobuf.services.ProtoReflectionServiceV1.newInstance());
      }
      Server server = builder.build();
      try {
        return server.start();
      } catch (IOException e) {
        server.shutdownNow(); // gives back what a failed start took (grpc's shared event loops)
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        throw new IOException(
            "can't listen for the admin service on "
                + host
                + ":"
                + port
                + " (admin.host/admin.port): "
                + (root.getMessage() != null ? root.getMessage() : root),
            e);
      }
    }

    private static boolean onClassPath(String name) {
      try {
        Class.forName(name, false, Membreaker.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException e) {
        return false;
      }
    }

    /** {@code NettyServerBuilder.forAddress} of grpc-netty-shaded, else of grpc-netty. */
    private static ServerBuilder<?> transportFor(SocketAddress address) {
      for (String name :
          List.of(
              "io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder",
              "io.grpc.netty.NettyServerBuilder")) {
        try {
          Class<?> type = Class.forName(name, true, Membreaker.class.getClassLoader());
          return (ServerBuilder<?>)
              type.getMethod("forAddress", SocketAddress.class).invoke(null, address);
        } catch (ClassNotFoundException e) {
          continue;
        } catch (NoSuchMethodException | IllegalAccessException e) {
          throw new IllegalStateException(
              "membreaker: " + name + " has no forAddress(SocketAddress)", e);
        } catch (InvocationTargetException e) {
          throw new IllegalStateException(
              "membreaker: " + name + ".forAddress failed", e.getCause());
        }
      }
      throw new IllegalStateException(
          "membreaker: no grpc-netty-shaded or grpc-netty on the class path for the admin server;"
              + " give one with Membreaker.Builder.adminServer(address -> ...), or call"
              + " withoutAdmin()");
    }
  }
}
