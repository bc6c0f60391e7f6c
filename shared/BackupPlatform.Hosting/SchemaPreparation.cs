using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackupPlatform.Hosting;

/// <summary>Migrates (PostgreSQL) or creates (SQLite) a context's schema when the host starts.</summary>
internal sealed class SchemaPreparation<TContext>(IServiceScopeFactory scopes) : IHostedService
    where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TContext>().PrepareSchemaAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
