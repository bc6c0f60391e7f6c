using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BackupPlatform.Data;

/// <summary>Lets `dotnet ef` build PostgreSQL migrations without a running service.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<BackupDbContext>
{
    public BackupDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<BackupDbContext>();
        builder.UseConfiguredDatabase(new DatabaseOptions { Provider = "postgres", ConnectionString = "Host=localhost;Database=design" }, BackupDbContextHistory.Table);
        return new BackupDbContext(builder.Options);
    }
}
