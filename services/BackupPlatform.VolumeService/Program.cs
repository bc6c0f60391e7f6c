using BackupPlatform.Hosting;
using BackupPlatform.VolumeService;

await VolumeServiceApp.Create(args).RunOrMigrateAsync();
