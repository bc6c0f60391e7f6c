using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BackupPlatform.Hosting;

/// <summary>
/// RabbitMQ's management HTTP API, for what AMQP cannot tell: which queues the virtual host has and
/// how many messages wait in each (error queues for the admin tool, queue depths for metrics).
/// </summary>
public sealed class RabbitMqManagement(BusOptions options, IHttpClientFactory httpClients)
{
    public bool IsRabbitMq => options.Transport.Equals("rabbitmq", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every queue of the broker's virtual host with the messages it holds.</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync(CancellationToken cancellationToken)
    {
        var amqp = new Uri(options.RabbitMqUri);
        using var http = httpClients.CreateClient(nameof(RabbitMqManagement));
        http.BaseAddress = new Uri(options.ManagementUrl ?? $"http://{amqp.Host}:15672/");
        var credentials = Uri.UnescapeDataString(string.IsNullOrEmpty(amqp.UserInfo) ? "guest:guest" : amqp.UserInfo);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        var virtualHost = Uri.UnescapeDataString(amqp.AbsolutePath.TrimStart('/'));
        var path = $"api/queues/{Uri.EscapeDataString(string.IsNullOrEmpty(virtualHost) ? "/" : virtualHost)}?columns=name,messages";
        using var document = JsonDocument.Parse(await http.GetStringAsync(path, cancellationToken));
        return document.RootElement.EnumerateArray().ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0L,
            StringComparer.Ordinal);
    }
}
