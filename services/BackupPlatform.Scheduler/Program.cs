using BackupPlatform.Hosting;
using BackupPlatform.Scheduler;

await SchedulerApp.Create(args).RunOrMigrateAsync();
