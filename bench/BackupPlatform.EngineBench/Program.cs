using System.Diagnostics;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;

// One phase of the engine benchmark per process, so that bench/engine.sh measures each phase's peak RSS:
//   backup  STORE CONTAINER VOLUME BACKUP_ID [PARENT_ID]   (an incremental follows its parent; prints seconds, MB/s of volume size, bytes uploaded)
//   restore STORE CONTAINER TARGET BACKUP_ID SIZE
// STORE is posix:DIR or swift (SWIFT_AUTH_URL, SWIFT_USER, SWIFT_KEY from the environment).
// Engine settings come from BP_CHUNK_SIZE, BP_PACK_SIZE, BP_PACK_UPLOADS, BP_COMPRESSION, BP_PARALLELISM, BP_DEDUP_TABLE_ENTRIES,
// BP_ENCRYPTION_KEY (base64, 32 bytes) when set.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: backup STORE CONTAINER VOLUME BACKUP_ID [PARENT_ID] | restore STORE CONTAINER TARGET BACKUP_ID SIZE");
    return 2;
}

var options = new EngineOptions();
options.ChunkSize = Setting("BP_CHUNK_SIZE") ?? options.ChunkSize;
options.PackSize = Setting("BP_PACK_SIZE") ?? options.PackSize;
options.PackUploads = Setting("BP_PACK_UPLOADS") ?? options.PackUploads;
options.Parallelism = Setting("BP_PARALLELISM") ?? options.Parallelism;
options.DedupTableEntries = Setting("BP_DEDUP_TABLE_ENTRIES") ?? options.DedupTableEntries;
options.Compression = Environment.GetEnvironmentVariable("BP_COMPRESSION") is { Length: > 0 } compression ? compression : options.Compression;
options.Encryption.Key = Environment.GetEnvironmentVariable("BP_ENCRYPTION_KEY");

IObjectStore driver = args[1].StartsWith("posix:", StringComparison.Ordinal)
    ? new PosixStore(args[1]["posix:".Length..])
    : new SwiftStore(new SwiftStoreOptions
    {
        AuthUrl = Environment.GetEnvironmentVariable("SWIFT_AUTH_URL") ?? throw new InvalidOperationException("SWIFT_AUTH_URL"),
        User = Environment.GetEnvironmentVariable("SWIFT_USER") ?? "",
        Key = Environment.GetEnvironmentVariable("SWIFT_KEY") ?? "",
    });
var store = new RetryingStore(driver, new RetryOptions());
var container = args[2];
var backupId = Guid.Parse(args[4]);
var watch = Stopwatch.StartNew();
switch (args[0])
{
    case "backup":
    {
        var size = new FileInfo(args[3]).Length;
        var result = await new BackupWriter(store, options).WriteAsync(
            new BackupRequest { BackupId = backupId, VolumeId = Guid.Empty, DevicePath = args[3], SizeBytes = size, Container = container, ParentBackupId = args.Length > 5 ? Guid.Parse(args[5]) : null },
            CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"seconds={seconds:F2} mbps={size / 1e6 / seconds:F0} uploaded={result.BytesUploaded} chunks={result.ChunkCount} zero={result.ZeroChunks} deduped={result.DedupedChunks} objects={result.ObjectsWritten}");
        break;
    }

    case "restore":
    {
        var size = long.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture);
        using (var target = File.Create(args[3]))
        {
            target.SetLength(size);
        }

        // When the last byte reached the page cache; the rest of the time is the final flush to disk.
        var written = TimeSpan.Zero;
        var progress = new InlineProgress(done => written = done == size ? watch.Elapsed : written);
        await new BackupRestorer(store, options).RestoreAsync(container, backupId, args[3], targetIsNew: true, progress, CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"seconds={seconds:F2} mbps={size / 1e6 / seconds:F0} written_by={written.TotalSeconds:F2}s flush={seconds - written.TotalSeconds:F2}s");
        break;
    }

    default:
        Console.Error.WriteLine($"unknown phase {args[0]}");
        return 2;
}

(driver as IDisposable)?.Dispose();
return 0;

static int? Setting(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and report late).</summary>
internal sealed class InlineProgress(Action<long> report) : IProgress<long>
{
    public void Report(long value) => report(value);
}
