using BackupPlatform.AllInOne;

await AllInOneApp.Create(args).RunAsync();
