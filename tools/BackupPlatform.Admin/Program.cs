using BackupPlatform.Admin;

return await AdminTool.RunAsync(args, Console.Out, Console.Error);
