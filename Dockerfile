# Every BackupPlatform image from one build: the sources are restored, compiled and published once (stage
# `publish`), then each image is one final stage chosen with --target:
#   docker build --target api            -t backupplatform/api .
#   docker build --target scheduler      -t backupplatform/scheduler .
#   docker build --target worker         -t backupplatform/worker .
#   docker build --target volume-service -t backupplatform/volume-service .
#   docker build --target all-in-one     -t backupplatform/all-in-one .
# (`docker-compose build` builds the first four under these names; the Helm chart uses the same names.)
# Each runs as the runtime image's non-root user `app` (uid 1654), listens on 8080, keeps its data under
# /var/lib/backupplatform (created and owned here, so a fresh named volume is writable), and runs with a
# read-only root filesystem given a writable /tmp. Health: /usr/local/bin/healthcheck [/health|/alive].
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS publish
WORKDIR /src
# Restore from the project files alone, so that a change of source reuses the restored layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY contracts/BackupPlatform.Contracts/BackupPlatform.Contracts.csproj contracts/BackupPlatform.Contracts/
COPY shared/BackupPlatform.Data/BackupPlatform.Data.csproj shared/BackupPlatform.Data/
COPY shared/BackupPlatform.Hosting/BackupPlatform.Hosting.csproj shared/BackupPlatform.Hosting/
COPY shared/BackupPlatform.Storage/BackupPlatform.Storage.csproj shared/BackupPlatform.Storage/
COPY services/BackupPlatform.Api/BackupPlatform.Api.csproj services/BackupPlatform.Api/
COPY services/BackupPlatform.Scheduler/BackupPlatform.Scheduler.csproj services/BackupPlatform.Scheduler/
COPY services/BackupPlatform.Worker/BackupPlatform.Worker.csproj services/BackupPlatform.Worker/
COPY services/BackupPlatform.VolumeService/BackupPlatform.VolumeService.csproj services/BackupPlatform.VolumeService/
COPY services/BackupPlatform.AllInOne/BackupPlatform.AllInOne.csproj services/BackupPlatform.AllInOne/
# The all-in-one references the four services: one restore and one build cover all five.
RUN dotnet restore services/BackupPlatform.AllInOne
COPY contracts contracts
COPY shared shared
COPY services services
RUN dotnet build services/BackupPlatform.AllInOne -c Release --no-restore -nologo \
 && for s in Api Scheduler Worker VolumeService AllInOne; do \
      dotnet publish services/BackupPlatform.$s -c Release --no-build -nologo -o /out/$s || exit 1; \
    done

# What every service image shares. Nothing is installed: the runtime image has bash (for the probe) and, in
# both the Ubuntu and the Debian images, the system libzstd.so.1 the engine prefers (the chiseled images lack
# it; the engine then compresses with the managed ZstdSharp, same frames).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS service
COPY scripts/container-healthcheck.sh /usr/local/bin/healthcheck
RUN mkdir -p /var/lib/backupplatform/volumes /var/lib/backupplatform/backups \
 && chown -R 1654:1654 /var/lib/backupplatform
USER 1654
WORKDIR /app
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/usr/local/bin/healthcheck", "/health"]

FROM service AS api
COPY --from=publish /out/Api .
ENTRYPOINT ["dotnet", "BackupPlatform.Api.dll"]

FROM service AS scheduler
COPY --from=publish /out/Scheduler .
ENTRYPOINT ["dotnet", "BackupPlatform.Scheduler.dll"]

FROM service AS worker
COPY --from=publish /out/Worker .
ENTRYPOINT ["dotnet", "BackupPlatform.Worker.dll"]

FROM service AS volume-service
COPY --from=publish /out/VolumeService .
ENTRYPOINT ["dotnet", "BackupPlatform.VolumeService.dll"]

# API, scheduler, one worker and the volume service in one process: SQLite, in-memory bus, posix store and
# volumes under /var/lib/backupplatform (one volume keeps them all): docker run -p 8776:8080 -v bp:/var/lib/backupplatform backupplatform/all-in-one
FROM service AS all-in-one
# Its own address (the all-in-one listens on 127.0.0.1:8776 unless told otherwise, and calls itself there).
ENV ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_URLS=http://+:8080 \
    BackupPlatform__Database__ConnectionString="Data Source=/var/lib/backupplatform/backupplatform.db" \
    BackupPlatform__Volumes__Path=/var/lib/backupplatform/volumes \
    BackupPlatform__Store__Posix__Path=/var/lib/backupplatform/backups
COPY --from=publish /out/AllInOne .
ENTRYPOINT ["dotnet", "BackupPlatform.AllInOne.dll"]
