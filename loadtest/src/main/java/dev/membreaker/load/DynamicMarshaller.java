package dev.membreaker.load;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Protobuf bytes to and from {@link DynamicMessage}s of one type: no generated code needed. */
final class DynamicMarshaller implements MethodDescriptor.Marshaller<DynamicMessage> {

  private final Descriptor type;

  DynamicMarshaller(Descriptor type) {
    this.type = type;
  }

  @Override
  public InputStream stream(DynamicMessage value) {
    return value.toByteString().newInput();
  }

  @Override
  public DynamicMessage parse(InputStream stream) {
    try {
      return DynamicMessage.parseFrom(type, stream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
