package dev.membreaker.load;

import dev.membreaker.text.HostPort;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A fixed list of addresses as one channel target, so a load-balancing policy spreads calls over
 * them: {@code membreaker-static:///host1:port1,host2:port2}. Registered once, on first use.
 */
final class StaticAddresses extends NameResolverProvider {

  static final String SCHEME = "membreaker-static";
  private static volatile boolean registered;

  /** The channel target for these host:port addresses; registers the resolver if needed. */
  static String target(List<HostPort> hostPorts) {
    if (!registered) {
      synchronized (StaticAddresses.class) {
        if (!registered) {
          NameResolverRegistry.getDefaultRegistry().register(new StaticAddresses());
          registered = true;
        }
      }
    }
    return SCHEME
        + ":///"
        + hostPorts.stream()
            .map(HostPort::toString)
            .collect(java.util.stream.Collectors.joining(","));
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  /** Below DNS's 5, so targets without a scheme keep resolving through DNS. */
  @Override
  protected int priority() {
    return 1;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  @Override
  public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
    if (!SCHEME.equals(uri.getScheme())) {
      return null;
    }
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (String hostPort : uri.getPath().substring(1).split(",")) {
      HostPort hp = HostPort.parse(hostPort);
      groups.add(new EquivalentAddressGroup(new InetSocketAddress(hp.host(), hp.port())));
    }
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        return "membreaker-fleet";
      }

      @Override
      public void start(Listener2 listener) {
        listener.onResult(
            ResolutionResult.newBuilder()
                .setAddressesOrError(io.grpc.StatusOr.fromValue(groups))
                .setAttributes(Attributes.EMPTY)
                .build());
      }

      @Override
      public void shutdown() {}
    };
  }
}
