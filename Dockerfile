# One image per service: docker build --build-arg SERVICE=Worker -t backupplatform-worker .
# SERVICE is one of Api, Scheduler, Worker, VolumeService, AllInOne.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE=Api
WORKDIR /src
COPY . .
RUN dotnet publish services/BackupPlatform.${SERVICE} -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE=Api
ENV SERVICE_DLL=BackupPlatform.${SERVICE}.dll
# The system libzstd compresses chunks faster than the managed fallback (shared/BackupPlatform.Storage/Engine/NativeZstd.cs).
RUN apt-get update && apt-get install -y --no-install-recommends libzstd1 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
USER app
ENTRYPOINT ["sh", "-c", "exec dotnet \"$SERVICE_DLL\""]
