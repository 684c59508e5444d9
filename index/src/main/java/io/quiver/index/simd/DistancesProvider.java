package io.quiver.index.simd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernels once: the Vector API when the {@code jdk.incubator.vector} module is in the
 * boot layer and its preferred species is at least 128 bits, the scalar twin otherwise. The
 * system property {@code quiver.simd=scalar} forces the scalar twin.
 */
final class DistancesProvider {
  private static final Logger log = LoggerFactory.getLogger(DistancesProvider.class);

  static final VectorDistances INSTANCE = choose();

  private DistancesProvider() {}

  private static VectorDistances choose() {
    if ("scalar".equalsIgnoreCase(System.getProperty("quiver.simd"))) {
      log.info("vector distances: scalar (forced by -Dquiver.simd=scalar)");
      return ScalarDistances.INSTANCE;
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      log.warn("vector distances: scalar (add --add-modules jdk.incubator.vector for SIMD)");
      return ScalarDistances.INSTANCE;
    }
    try {
      // Loaded by name so that this class links without the incubator module.
      VectorDistances v =
          (VectorDistances)
              Class.forName("io.quiver.index.simd.PanamaDistances")
                  .getDeclaredConstructor()
                  .newInstance();
      log.info("vector distances: {}", v.name());
      return v;
    } catch (ReflectiveOperationException | LinkageError e) {
      log.warn("vector distances: scalar (Vector API unusable: {})", e.toString());
      return ScalarDistances.INSTANCE;
    }
  }
}
