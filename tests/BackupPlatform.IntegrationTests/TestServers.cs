using System.Net.Http.Headers;
using System.Text;
using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// The real PostgreSQL and RabbitMQ the integration tests run on: Testcontainers when a Docker
/// engine answers, otherwise the servers scripts/infra.sh started (PG_CONNSTR, RMQ_URI, RMQ_MGMT_URL).
/// Each deployment gets its own database and its own RabbitMQ virtual host, so tests never see
/// each other's rows or messages.
/// </summary>
public static class TestServers
{
    private static readonly Lazy<Task<Servers>> Shared = new(StartAsync);

    public static async Task<(string PostgresConnectionString, string RabbitMqUri, string VirtualHost)> IsolateAsync()
    {
        var servers = await Shared.Value;
        var name = $"bp_{Guid.NewGuid():N}"[..20];

        await using (var connection = new NpgsqlConnection(servers.Postgres))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        await servers.AddVirtualHostAsync(name);
        var postgres = new NpgsqlConnectionStringBuilder(servers.Postgres) { Database = name }.ConnectionString;
        var rabbit = new UriBuilder(servers.RabbitMq) { Path = "/" + name }.Uri.ToString();
        return (postgres, rabbit, name);
    }

    /// <summary>Messages waiting in a queue of a virtual host, read from the management API.</summary>
    public static async Task<int> QueueDepthAsync(string virtualHost, string queue)
    {
        var servers = await Shared.Value;
        return await servers.QueueDepthAsync(virtualHost, queue);
    }

    private static async Task<Servers> StartAsync()
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
        {
            var postgres = new PostgreSqlBuilder("postgres:15").Build();
            var rabbit = new RabbitMqBuilder("rabbitmq:3.13-management").WithUsername("backup").WithPassword("backup").Build();
            await Task.WhenAll(postgres.StartAsync(), rabbit.StartAsync());
            return new ContainerServers(postgres.GetConnectionString(), rabbit.GetConnectionString(), rabbit);
        }

        var pg = Environment.GetEnvironmentVariable("PG_CONNSTR");
        var rmq = Environment.GetEnvironmentVariable("RMQ_URI");
        var mgmt = Environment.GetEnvironmentVariable("RMQ_MGMT_URL");
        if (string.IsNullOrEmpty(pg) || string.IsNullOrEmpty(rmq) || string.IsNullOrEmpty(mgmt))
        {
            throw new InvalidOperationException(
                "No Docker engine and no test servers: run the suite with scripts/test.sh, or start them with scripts/infra.sh start and source $INFRA_RUN/env (PG_CONNSTR, RMQ_URI, RMQ_MGMT_URL).");
        }

        return new LocalServers(pg, rmq, mgmt);
    }

    private abstract class Servers(string postgres, string rabbitMq)
    {
        public string Postgres { get; } = postgres;

        public string RabbitMq { get; } = rabbitMq;

        public abstract Task AddVirtualHostAsync(string name);

        public abstract Task<int> QueueDepthAsync(string virtualHost, string queue);
    }

    private sealed class LocalServers(string postgres, string rabbitMq, string management) : Servers(postgres, rabbitMq)
    {
        private readonly HttpClient _management = CreateManagementClient(rabbitMq, management);

        public override async Task AddVirtualHostAsync(string name)
        {
            (await _management.PutAsync($"api/vhosts/{name}", null)).EnsureSuccessStatusCode();
            var user = new Uri(RabbitMq).UserInfo.Split(':')[0];
            var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
            (await _management.PutAsync($"api/permissions/{name}/{user}", permissions)).EnsureSuccessStatusCode();
        }

        public override async Task<int> QueueDepthAsync(string virtualHost, string queue)
        {
            // The management API refreshes its counters every few seconds; callers poll.
            var response = await _management.GetAsync($"api/queues/{virtualHost}/{queue}");
            if (!response.IsSuccessStatusCode)
            {
                return 0;
            }

            using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return document.RootElement.TryGetProperty("messages", out var messages) ? messages.GetInt32() : 0;
        }

        private static HttpClient CreateManagementClient(string rabbitMq, string management)
        {
            var client = new HttpClient { BaseAddress = new Uri(management) };
            var credentials = Uri.UnescapeDataString(new Uri(rabbitMq).UserInfo);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
            return client;
        }
    }

    private sealed class ContainerServers(string postgres, string rabbitMq, RabbitMqContainer container) : Servers(postgres, rabbitMq)
    {
        public override async Task AddVirtualHostAsync(string name)
        {
            await container.ExecAsync(["rabbitmqctl", "add_vhost", name]);
            await container.ExecAsync(["rabbitmqctl", "set_permissions", "-p", name, "backup", ".*", ".*", ".*"]);
        }

        public override async Task<int> QueueDepthAsync(string virtualHost, string queue)
        {
            var result = await container.ExecAsync(["rabbitmqctl", "list_queues", "-p", virtualHost, "-q", "name", "messages"]);
            foreach (var line in result.Stdout.Split('\n'))
            {
                var parts = line.Split('\t', StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && parts[0] == queue && int.TryParse(parts[1], out var count))
                {
                    return count;
                }
            }

            return 0;
        }
    }
}
