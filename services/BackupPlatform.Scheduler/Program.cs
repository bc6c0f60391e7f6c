using BackupPlatform.Scheduler;

await SchedulerApp.Create(args).RunAsync();
