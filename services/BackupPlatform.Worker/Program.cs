using BackupPlatform.Hosting;
using BackupPlatform.Worker;

await WorkerApp.Create(args).RunOrMigrateAsync();
