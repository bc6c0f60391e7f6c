using BackupPlatform.Api;

await ApiApp.Create(args).RunAsync();
