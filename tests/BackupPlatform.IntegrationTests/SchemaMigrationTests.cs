using BackupPlatform.Api;
using BackupPlatform.Hosting;
using BackupPlatform.VolumeService;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// The Helm chart's migration Job (BackupPlatform:Database:Migrate=Only) and the services it runs
/// before (Migrate=Wait): services migrate nothing and start only once the job has migrated.
/// </summary>
public sealed class SchemaMigrationTests
{
    [Fact]
    public async Task A_service_waits_for_the_migration_job_which_migrates_and_exits()
    {
        var (postgres, rabbit, _) = await TestServers.IsolateAsync();
        string[] common =
        [
            "--urls=http://127.0.0.1:0",
            "--BackupPlatform:Database:Provider=postgres",
            $"--BackupPlatform:Database:ConnectionString={postgres}",
            "--BackupPlatform:Bus:Transport=rabbitmq",
            $"--BackupPlatform:Bus:RabbitMqUri={rabbit}",
            "--Logging:LogLevel:Default=Warning",
        ];

        // The waiting API is a whole service and needs its volume service's address; the job's copies do not.
        await using var api = ApiApp.Create([.. common, "--BackupPlatform:Database:Migrate=Wait", "--BackupPlatform:VolumeService:Url=http://127.0.0.1:9/", "--BackupPlatform:VolumeService:ServiceToken=unused"]);
        var starting = api.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.False(starting.IsCompleted, "The API started on an empty database instead of waiting for the migration job.");
        Assert.Empty(await AppliedAsync(postgres, BackupPlatform.Data.BackupDbContextHistory.Table));

        // The job's two containers: the backup schema from the API image, the volume schema from the volume service's.
        await ApiApp.Create([.. common, "--BackupPlatform:Database:Migrate=Only"]).RunOrMigrateAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await VolumeServiceApp.Create([.. common, "--BackupPlatform:Database:Migrate=Only"]).RunOrMigrateAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.NotEmpty(await AppliedAsync(postgres, BackupPlatform.Data.BackupDbContextHistory.Table));
        Assert.NotEmpty(await AppliedAsync(postgres, VolumeDbContext.HistoryTable));

        await starting.WaitAsync(TimeSpan.FromMinutes(1));
        await using (var db = new BackupPlatform.Data.BackupDbContext(new DbContextOptionsBuilder<BackupPlatform.Data.BackupDbContext>().UseNpgsql(postgres).Options))
        {
            Assert.Equal(0, await db.Backups.CountAsync());
        }

        await api.StopAsync();
    }

    private static async Task<List<string>> AppliedAsync(string postgres, string historyTable)
    {
        await using var connection = new Npgsql.NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var exists = new Npgsql.NpgsqlCommand($"SELECT to_regclass('{historyTable}') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync())!)
        {
            return [];
        }

        await using var read = new Npgsql.NpgsqlCommand($"SELECT \"MigrationId\" FROM \"{historyTable}\"", connection);
        await using var reader = await read.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
