package dev.membreaker.spring;

import dev.membreaker.testing.ByteArrayMarshaller;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A Spring gRPC application with one service and no membreaker code of its own. */
@SpringBootApplication
public class ShopApplication {

  static final MethodDescriptor.Marshaller<byte[]> BYTES = ByteArrayMarshaller.INSTANCE;

  static final MethodDescriptor<byte[], byte[]> PLACE =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("shop.Orders/Place")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  @Bean
  BindableService orders() {
    return () ->
        ServerServiceDefinition.builder("shop.Orders")
            .addMethod(
                PLACE,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      response.onNext(request);
                      response.onCompleted();
                    }))
            .build();
  }
}
