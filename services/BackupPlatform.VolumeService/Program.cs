using BackupPlatform.VolumeService;

await VolumeServiceApp.Create(args).RunAsync();
