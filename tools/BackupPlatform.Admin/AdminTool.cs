using System.Text.Json;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Admin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupPlatform.Admin;

/// <summary>
/// backupplatform-admin: list, show and replay journaled messages; list and replay what sits in the
/// RabbitMQ error queues; API tokens; the worker registry. The same <see cref="MessageOperations"/> and <see cref="ErrorQueues"/> as
/// the admin HTTP API. Exit code 0 on success, 1 on a failed operation, 2 on a usage error.
/// </summary>
public static class AdminTool
{
    public const string Usage = """
        usage: backupplatform-admin COMMAND [options] [--BackupPlatform:Key=value ...]
          messages list   [--backup-id ID] [--type TEXT] [--outcome consumed|skipped|faulted|error_queue|sent|published]
                          [--kind send|publish|consume|receive] [--since TIME] [--until TIME] [--limit N]
          messages show   MESSAGE_ID
          messages replay MESSAGE_ID
          errors list     [--queue QUEUE_error] [--limit N]
          errors replay   QUEUE_error [--message-id ID]
          tokens create   --user USER --project PROJECT [--roles admin,member] [--expires-in 30d] [--description TEXT]
          tokens list     [--project PROJECT]
          tokens revoke   TOKEN_ID
          services list
          services remove HOST [--force]     remove a worker host that is gone for good from the registry (refused
                                             while it is up or holds work, unless --force)
        every command takes --json for machine-readable output
        """;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var line = AdminCommandLine.Parse(args);
        if (line.Words.Count < 2)
        {
            await errors.WriteLineAsync(Usage);
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. line.Settings],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAdminOperations(builder.Configuration);
        builder.Services.AddBackupPlatformBus(builder.Configuration, new BusParticipant(_ => { }, (_, _) => { }, "admin"));

        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await RunCommandAsync(line, scope.ServiceProvider, output, errors);
        }
        catch (Exception e) when (e is MessageNotFoundException or InvalidOperationException or FormatException or HttpRequestException)
        {
            await errors.WriteLineAsync(e.Message);
            return 1;
        }
        finally
        {
            // Stopping flushes the journal, so a replay's own send is recorded before the tool exits.
            await host.StopAsync();
        }
    }

    private static async Task<int> RunCommandAsync(AdminCommandLine line, IServiceProvider services, TextWriter output, TextWriter errors)
    {
        var messages = services.GetRequiredService<MessageOperations>();
        var queues = services.GetRequiredService<ErrorQueues>();
        var ct = CancellationToken.None;
        switch (line.Words[0], line.Words[1])
        {
            case ("messages", "list"):
                var rows = await messages.ListAsync(
                    new JournalQuery
                    {
                        BackupId = line.GuidOption("backup-id"),
                        MessageType = line.Option("type"),
                        Outcome = line.Option("outcome"),
                        Kind = line.Option("kind"),
                        Since = line.TimeOption("since"),
                        Until = line.TimeOption("until"),
                        Limit = line.IntOption("limit", 100),
                    },
                    ct);
                await WriteRowsAsync(rows, line.Json, output);
                return 0;
            case ("messages", "show") when line.Words.Count > 2:
                var shown = await messages.ShowAsync(Guid.Parse(line.Words[2]), ct);
                if (shown.Count == 0)
                {
                    await errors.WriteLineAsync($"The journal has no message {line.Words[2]}.");
                    return 1;
                }

                await WriteFullAsync(shown, line.Json, output);
                return 0;
            case ("messages", "replay") when line.Words.Count > 2:
                if (!services.GetRequiredService<BusOptions>().Transport.Equals("rabbitmq", StringComparison.OrdinalIgnoreCase))
                {
                    // This process's in-memory bus reaches no other process: the replay would go nowhere.
                    await errors.WriteLineAsync("Replay needs the shared RabbitMQ bus; for the all-in-one use its admin API: POST /v3/{project}/os-admin/messages/{id}/replay.");
                    return 1;
                }

                var replay = await messages.ReplayAsync(Guid.Parse(line.Words[2]), ct);
                await output.WriteLineAsync(line.Json
                    ? JsonSerializer.Serialize(replay, JsonOptions)
                    : $"replayed {replay.OriginalMessageId} as {replay.MessageId} ({replay.MessageType}) to {replay.Destination}");
                return 0;
            case ("errors", "list"):
                var waiting = await queues.ListAsync(line.Option("queue"), line.IntOption("limit", 100), ct);
                await WriteErrorsAsync(waiting, line.Json, output);
                return 0;
            case ("errors", "replay") when line.Words.Count > 2:
                var moved = await queues.ReplayAsync(line.Words[2], line.Option("message-id"), ct);
                await WriteErrorsAsync(moved, line.Json, output);
                return 0;
            case ("services", var verb):
                var registry = services.GetRequiredService<IConfiguration>().GetSection(ServiceRegistryOptions.Section).Get<ServiceRegistryOptions>() ?? new ServiceRegistryOptions();
                return await ServiceCommands.RunAsync(verb, line, services.GetRequiredService<BackupDbContext>(), registry, output, errors);
            case ("tokens", var verb):
                return await TokenCommands.RunAsync(verb, line, services.GetRequiredService<BackupDbContext>(), output, errors);
            default:
                await errors.WriteLineAsync(Usage);
                return 2;
        }
    }

    private static async Task WriteRowsAsync(IReadOnlyList<JournalEntry> rows, bool json, TextWriter output)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(rows, JsonOptions));
            return;
        }

        await output.WriteLineAsync($"{"time (UTC)",-24} {"message id",-36} {"kind",-8} {"outcome",-11} {"service",-20} {"type",-50} backup id");
        foreach (var row in rows)
        {
            await output.WriteLineAsync($"{row.RecordedAt:yyyy-MM-dd HH:mm:ss.fff}  {row.MessageId,-36} {row.Kind,-8} {row.Outcome,-11} {row.Service,-20} {ShortType(row.MessageType),-50} {row.BackupId}");
        }
    }

    private static async Task WriteFullAsync(IReadOnlyList<JournalEntry> rows, bool json, TextWriter output)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(rows, JsonOptions));
            return;
        }

        foreach (var row in rows)
        {
            await output.WriteLineAsync($"--- {row.Kind} {row.Outcome} at {row.RecordedAt:O} by {row.Service}");
            await output.WriteLineAsync($"message id:     {row.MessageId}{(row.ReplayOf is { } of ? $" (replay of {of})" : string.Empty)}");
            await output.WriteLineAsync($"type:           {row.MessageType} (version {row.ContractVersion})");
            await output.WriteLineAsync($"correlation:    {row.CorrelationId}  conversation: {row.ConversationId}");
            await output.WriteLineAsync($"backup, volume: {row.BackupId} {row.VolumeId}");
            await output.WriteLineAsync($"from -> to:     {row.SourceAddress} -> {row.DestinationAddress}");
            if (row.DurationMs is not null)
            {
                await output.WriteLineAsync($"consumed in:    {row.DurationMs:0.0} ms");
            }

            if (row.Note is not null)
            {
                await output.WriteLineAsync($"note:           {row.Note}");
            }

            await output.WriteLineAsync($"headers:        {row.Headers}");
            await output.WriteLineAsync($"body:           {row.Body}");
            if (row.Exception is not null)
            {
                await output.WriteLineAsync($"exception:      {row.Exception}");
            }
        }
    }

    private static async Task WriteErrorsAsync(IReadOnlyList<ErrorQueueMessage> messages, bool json, TextWriter output)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(messages, JsonOptions));
            return;
        }

        foreach (var message in messages)
        {
            await output.WriteLineAsync($"{message.Queue,-32} {message.MessageId,-36} {message.MessageType ?? "(unreadable)",-60} {message.ExceptionType}: {message.Reason}");
        }
    }

    private static string? ShortType(string? type) => type?.Replace("BackupPlatform.Contracts.", string.Empty, StringComparison.Ordinal);
}
