package io.quiver.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {

  @Test
  void everyCodeSurvivesTheWire() {
    for (ErrorCode code : ErrorCode.values()) {
      var status = GrpcErrors.toStatus(new QuiverException(code, "msg " + code));
      assertThat(status.getStatus().getCode()).isEqualTo(code.grpcCode());
      QuiverException back = GrpcErrors.toQuiver(status);
      assertThat(back.code()).isEqualTo(code);
      assertThat(back.getMessage()).isEqualTo("msg " + code);
    }
  }

  @Test
  void foreignStatusesAndExceptionsMapSensibly() {
    assertThat(GrpcErrors.toQuiver(Status.UNAVAILABLE.withDescription("down").asRuntimeException()).code())
        .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(GrpcErrors.toQuiver(new IllegalArgumentException("k must be >= 1")).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(GrpcErrors.toQuiver(new IllegalStateException("bug")).code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(GrpcErrors.toQuiver(new java.util.concurrent.CompletionException(
        new QuiverException(ErrorCode.BEHIND, "x"))).code()).isEqualTo(ErrorCode.BEHIND);
  }
}
