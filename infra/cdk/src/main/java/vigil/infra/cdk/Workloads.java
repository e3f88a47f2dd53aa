package vigil.infra.cdk;

import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.RuntimePlatform;

/** Settings shared by both Fargate services. */
final class Workloads {
    /** The images are built for linux/amd64 (docs/deploy.md, "Container images"). */
    static final RuntimePlatform LINUX_X86_64 = RuntimePlatform.builder()
            .operatingSystemFamily(OperatingSystemFamily.LINUX)
            .cpuArchitecture(CpuArchitecture.X86_64)
            .build();

    private Workloads() {}
}
