using BackupPlatform.Worker;

await WorkerApp.Create(args).RunAsync();
