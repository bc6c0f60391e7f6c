using BackupPlatform.Api;
using BackupPlatform.Hosting;

await ApiApp.Create(args).RunOrMigrateAsync();
