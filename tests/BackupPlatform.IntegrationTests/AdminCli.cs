using System.Text.Json;
using BackupPlatform.Admin;

namespace BackupPlatform.IntegrationTests;

/// <summary>Runs the admin tool (backupplatform-admin) in-process against a deployment, as an operator would from a shell.</summary>
public static class AdminCli
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(Deployment deployment, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        string[] settings =
        [
            "--BackupPlatform:Database:Provider=postgres",
            $"--BackupPlatform:Database:ConnectionString={deployment.PostgresConnectionString}",
            "--BackupPlatform:Bus:Transport=rabbitmq",
            $"--BackupPlatform:Bus:RabbitMqUri={deployment.RabbitMqUri}",
            .. Environment.GetEnvironmentVariable("RMQ_MGMT_URL") is { Length: > 0 } management ? [$"--BackupPlatform:Bus:ManagementUrl={management}"] : Array.Empty<string>(),
        ];
        var exit = await AdminTool.RunAsync([.. args, .. settings], output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    /// <summary>Runs a command with --json, asserts it succeeded and parses its output.</summary>
    public static async Task<JsonElement> JsonAsync(Deployment deployment, params string[] args)
    {
        var (exit, output, errors) = await RunAsync(deployment, [.. args, "--json"]);
        Assert.True(exit == 0, $"backupplatform-admin {string.Join(' ', args)} exited {exit}: {errors}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>Polls a listing until it has a row that matches: the journal is written in the background.</summary>
    public static async Task<JsonElement> WaitForAsync(Deployment deployment, Func<JsonElement, bool> match, params string[] args)
    {
        JsonElement found = default;
        await Deployment.WaitUntilAsync(async () =>
        {
            var rows = await JsonAsync(deployment, args);
            foreach (var row in rows.EnumerateArray())
            {
                if (match(row))
                {
                    found = row;
                    return true;
                }
            }

            return false;
        }, seconds: 30);
        return found;
    }
}
