# syntax=docker/dockerfile:1
# The analytics CLI as a container image: `run` (the processor, by default) or `simulate`.
# docker-compose.yml builds it; alone: docker build -t analytics . && docker run --rm analytics --help

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
# Project files first: the restore layer stays cached until a package or project reference changes.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY common/Analytics.Common/Analytics.Common.csproj common/Analytics.Common/
COPY alerts/Analytics.Alerts/Analytics.Alerts.csproj alerts/Analytics.Alerts/
COPY ingest/Analytics.Ingest/Analytics.Ingest.csproj ingest/Analytics.Ingest/
COPY processors/Analytics.Processors/Analytics.Processors.csproj processors/Analytics.Processors/
COPY dashboards/Analytics.Noc/Analytics.Noc.csproj dashboards/Analytics.Noc/
COPY cli/Analytics.Cli/Analytics.Cli.csproj cli/Analytics.Cli/
RUN dotnet restore cli/Analytics.Cli/Analytics.Cli.csproj
COPY common/Analytics.Common/ common/Analytics.Common/
COPY alerts/Analytics.Alerts/ alerts/Analytics.Alerts/
COPY alerts/rules/ alerts/rules/
COPY alerts/oncall.yaml alerts/oncall.example.yaml alerts/
COPY ingest/Analytics.Ingest/ ingest/Analytics.Ingest/
COPY processors/Analytics.Processors/ processors/Analytics.Processors/
COPY dashboards/Analytics.Noc/ dashboards/Analytics.Noc/
COPY cli/Analytics.Cli/ cli/Analytics.Cli/
RUN dotnet publish cli/Analytics.Cli/Analytics.Cli.csproj -c Release --no-restore -o /app -p:UseAppHost=false

# ASP.NET Core runtime: the processor serves its query endpoint with Kestrel. .NET 10 ships no
# Debian images; Ubuntu 24.04 is the default distribution of the official ones.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS runtime
# Confluent.Kafka is used without librdkafka.redist, so the native client comes from the
# distribution (ingest/Analytics.Ingest/Kafka/LibRdKafka.cs loads librdkafka.so.1).
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# 64 MiB gen0 budget, as ./analytics sets it (docs/benchmarks.md); only the environment can set it.
ENV DOTNET_GCgen0size=0x4000000
# The non-root user every official .NET image defines.
USER $APP_UID
ENTRYPOINT ["dotnet", "analytics.dll"]
CMD ["run"]
