# PruneGate distribution image: one image, one process per service (registry | serve | pruner).
#   docker build -t prunegate:0.1.0 .
#   docker build -t prunegate:0.1.0-gpu --build-arg GPU=true --build-arg PYTORCH_FLAVOR=cu124 .
# The build stage needs network (Maven Central; for GPU images also DJL's libtorch CDN). The
# runtime stage is offline: libtorch and the default models are extracted and imported at build time.
FROM eclipse-temurin:17-jdk AS build
ARG GPU=false
ARG PYTORCH_FLAVOR=cpu
WORKDIR /src
COPY . .
RUN if [ "$GPU" = "true" ]; then GPU_FLAG=-Dgpu; fi; \
    ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl standalone -am $GPU_FLAG \
 && mkdir -p /opt/prunegate/cache \
 && cp -r standalone/target/prunegate.jar standalone/target/lib /opt/prunegate/
ENV DJL_CACHE_DIR=/opt/prunegate/cache/djl PRUNEGATE_CACHE=/opt/prunegate/cache
RUN OFFLINE=true; if [ "$GPU" = "true" ]; then OFFLINE=false; export PYTORCH_FLAVOR=$PYTORCH_FLAVOR; fi; \
    java -Dai.djl.offline=$OFFLINE -jar /opt/prunegate/prunegate.jar engine \
 && java -Dai.djl.offline=true -jar /opt/prunegate/prunegate.jar import --default bge-small-en-v1.5 \
 && java -Dai.djl.offline=true -jar /opt/prunegate/prunegate.jar import --default all-MiniLM-L6-v2

FROM eclipse-temurin:17-jre
COPY --from=build /opt/prunegate /opt/prunegate
# libtorch allocates every op's output with malloc: keep large blocks in the heap (docs/architecture.md).
ENV MALLOC_MMAP_THRESHOLD_=33554432 \
    MALLOC_TRIM_THRESHOLD_=1073741824 \
    DJL_CACHE_DIR=/opt/prunegate/cache/djl \
    PRUNEGATE_CACHE=/opt/prunegate/cache
RUN useradd --uid 10001 --home-dir /var/lib/prunegate --create-home prunegate
USER 10001
WORKDIR /var/lib/prunegate
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-Dai.djl.offline=true", "-jar", "/opt/prunegate/prunegate.jar"]
CMD ["--help"]
