package dev.membreaker.load;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds a method's protobuf descriptor, from the target's server reflection (as grpcurl and ghz do)
 * or from a protoset file ({@code protoc --descriptor_set_out --include_imports}).
 */
final class Schema {

  private Schema() {}

  /** Splits {@code pkg.Service/Method} or {@code pkg.Service.Method}. */
  static String[] split(String call) {
    String c = call.trim();
    int slash = c.indexOf('/');
    if (slash < 0) {
      slash = c.lastIndexOf('.');
    }
    if (slash <= 0 || slash == c.length() - 1) {
      throw new LoadException(
          2, "--call must be pkg.Service/Method (or pkg.Service.Method), was '" + call + "'");
    }
    return new String[] {c.substring(0, slash), c.substring(slash + 1)};
  }

  static MethodDescriptor fromProtoset(Path protoset, String call) {
    try {
      FileDescriptorSet set = FileDescriptorSet.parseFrom(Files.readAllBytes(protoset));
      return find(build(set.getFileList()), call, "protoset " + protoset);
    } catch (IOException e) {
      throw new LoadException(2, "can't read --protoset " + protoset + ": " + e.getMessage());
    }
  }

  static MethodDescriptor fromReflection(ManagedChannel channel, String call, long timeoutMillis) {
    String service = split(call)[0];
    List<FileDescriptorProto> files = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    if (r.hasErrorResponse()) {
                      done.completeExceptionally(
                          new LoadException(
                              2,
                              "the target's reflection does not know "
                                  + service
                                  + ": "
                                  + r.getErrorResponse().getErrorMessage()));
                      return;
                    }
                    for (com.google.protobuf.ByteString bytes :
                        r.getFileDescriptorResponse().getFileDescriptorProtoList()) {
                      try {
                        files.add(FileDescriptorProto.parseFrom(bytes));
                      } catch (InvalidProtocolBufferException e) {
                        done.completeExceptionally(e);
                      }
                    }
                    done.complete(null);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build());
    try {
      done.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LoadException) {
        throw (LoadException) e.getCause();
      }
      if (e.getCause() instanceof StatusRuntimeException) {
        throw LoadException.from((StatusRuntimeException) e.getCause(), "server reflection");
      }
      throw new LoadException(2, "server reflection failed: " + e.getCause());
    } catch (TimeoutException e) {
      throw new LoadException(
          2, "server reflection did not answer within " + timeoutMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoadException(2, "interrupted");
    } finally {
      requests.onCompleted();
    }
    return find(build(files), call, "the target's server reflection");
  }

  private static Map<String, FileDescriptor> build(List<FileDescriptorProto> protos) {
    Map<String, FileDescriptorProto> byName = new HashMap<>();
    for (FileDescriptorProto p : protos) {
      byName.put(p.getName(), p);
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    for (FileDescriptorProto p : protos) {
      build(p, byName, built);
    }
    return built;
  }

  private static FileDescriptor build(
      FileDescriptorProto proto,
      Map<String, FileDescriptorProto> byName,
      Map<String, FileDescriptor> built) {
    FileDescriptor done = built.get(proto.getName());
    if (done != null) {
      return done;
    }
    List<FileDescriptor> deps = new ArrayList<>();
    for (String dep : proto.getDependencyList()) {
      FileDescriptorProto d = byName.get(dep);
      if (d == null) {
        throw new LoadException(
            2, proto.getName() + " imports " + dep + ", which the schema source did not give");
      }
      deps.add(build(d, byName, built));
    }
    try {
      FileDescriptor fd = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
      built.put(proto.getName(), fd);
      return fd;
    } catch (DescriptorValidationException e) {
      throw new LoadException(2, "invalid schema " + proto.getName() + ": " + e.getMessage());
    }
  }

  private static MethodDescriptor find(
      Map<String, FileDescriptor> files, String call, String source) {
    String[] parts = split(call);
    for (FileDescriptor fd : files.values()) {
      for (ServiceDescriptor s : fd.getServices()) {
        if (s.getFullName().equals(parts[0])) {
          MethodDescriptor m = s.findMethodByName(parts[1]);
          if (m == null) {
            List<String> names = new ArrayList<>();
            s.getMethods().forEach(x -> names.add(x.getName()));
            throw new LoadException(
                2,
                parts[0]
                    + " has no method "
                    + parts[1]
                    + " (it has "
                    + String.join(", ", names)
                    + ")");
          }
          return m;
        }
      }
    }
    throw new LoadException(2, "no service " + parts[0] + " in " + source);
  }
}
