# PlanPilot's image, for admins who build with Docker. Build the jar first, then the image:
#   ./mvnw -B -ntp package -DskipTests
#   docker build -t planpilot:latest .
# The Maven profile `image` builds the same image with Jib, without a Docker daemon
# (./mvnw -B -ntp -pl adapter-app -am package -Pimage -DskipTests: adapter-app/target/planpilot-image.tar).
# Install, configuration, upgrade and backup: docs/operations.md.
FROM eclipse-temurin:17-jre

# A dedicated user without a login. Group 0 owns the data directory, so that the image also runs
# under an arbitrary uid that belongs to group 0 (OpenShift); the embedded PostgreSQL needs the
# uid to have a passwd entry, which useradd gives it.
RUN useradd --system --uid 10001 --gid 0 --home-dir /var/lib/planpilot --no-create-home \
        --shell /usr/sbin/nologin planpilot \
 && mkdir -p /opt/planpilot /etc/planpilot /var/lib/planpilot \
 && chown 10001:0 /var/lib/planpilot \
 && chmod 0770 /var/lib/planpilot

# The image's defaults (data-dir, plan-file and rules-file paths), below the admin's own file.
COPY deploy/image/opt/planpilot/application.yml /opt/planpilot/application.yml
COPY adapter-app/target/planpilot.jar /opt/planpilot/planpilot.jar

# The admin's configuration: /etc/planpilot/application.yml (optional; its keys win over the image's
# defaults). Secrets can come as files: SPRING_CONFIG_IMPORT=optional:configtree:/run/secrets/.
ENV SPRING_CONFIG_ADDITIONALLOCATION=optional:file:/etc/planpilot/
WORKDIR /opt/planpilot
USER 10001:0
VOLUME ["/var/lib/planpilot"]
EXPOSE 8080

# Spring Boot shuts down on SIGTERM: workers finish the batch in hand, the embedded PostgreSQL stops.
STOPSIGNAL SIGTERM
# The base image carries curl. Health answers 200 {"status":"UP"} once the adapter has started; the
# start period covers a first start that runs initdb for the embedded PostgreSQL.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health" || exit 1

# The heap takes 60 % of the container's memory: the rest is for the JVM's own needs and, without
# an external database, the embedded PostgreSQL. More JVM options: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/planpilot/planpilot.jar"]
