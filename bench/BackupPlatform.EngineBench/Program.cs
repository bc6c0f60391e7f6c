using System.Diagnostics;
using BackupPlatform.Storage.Devices;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;

// One phase of the engine benchmark per process, so that bench/engine.sh measures each phase's peak RSS:
//   backup  STORE CONTAINER VOLUME BACKUP_ID [PARENT_ID]   (an incremental follows its parent; prints seconds, MB/s of volume size, bytes uploaded)
//   restore STORE CONTAINER TARGET BACKUP_ID SIZE
// STORE is posix:DIR or swift (SWIFT_AUTH_URL, SWIFT_USER, SWIFT_KEY from the environment).
// VOLUME and TARGET are files, or the URL of a volume service's HTTP connection (bench/connector.sh): the HTTP
// connector then reads and writes, with the service token from BP_SERVICE_TOKEN and the volume's size from BP_DEVICE_SIZE.
// Engine settings come from BP_CHUNK_SIZE, BP_PACK_SIZE, BP_PACK_UPLOADS, BP_COMPRESSION, BP_PARALLELISM, BP_DEDUP_TABLE_ENTRIES,
// BP_ENCRYPTION_KEY (base64, 32 bytes) when set; BP_PROJECT names the project whose dedup domain a backup goes to ("bench").
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
var project = Environment.GetEnvironmentVariable("BP_PROJECT") is { Length: > 0 } named ? named : "bench";

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
        await using var device = OpenDevice(args[3], forWriting: false);
        var size = device.Size;
        var result = await new BackupWriter(store, options).WriteAsync(
            new BackupRequest { BackupId = backupId, VolumeId = Guid.Empty, ProjectId = project, Device = device, SizeBytes = size, Container = container, ParentBackupId = args.Length > 5 ? Guid.Parse(args[5]) : null },
            CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"seconds={seconds:F2} mbps={size / 1e6 / seconds:F0} uploaded={result.BytesUploaded} chunks={result.ChunkCount} zero={result.ZeroChunks} deduped={result.DedupedChunks} objects={result.ObjectsWritten}");
        break;
    }

    case "restore":
    {
        var size = long.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture);
        if (!IsUrl(args[3]))
        {
            using var target = File.Create(args[3]);
            target.SetLength(size);
        }

        await using var device = OpenDevice(args[3], forWriting: true);

        // When the last byte reached the page cache; the rest of the time is the final flush to disk.
        var written = TimeSpan.Zero;
        var progress = new InlineProgress(done => written = done == size ? watch.Elapsed : written);
        await new BackupRestorer(store, options).RestoreAsync(container, backupId, device, targetIsNew: true, progress, CancellationToken.None);
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

static bool IsUrl(string device) => device.StartsWith("http://", StringComparison.Ordinal) || device.StartsWith("https://", StringComparison.Ordinal);

static IVolumeDevice OpenDevice(string device, bool forWriting)
{
    if (!IsUrl(device))
    {
        return forWriting ? FileVolumeDevice.OpenWrite(device) : FileVolumeDevice.OpenRead(device);
    }

    var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
    http.DefaultRequestHeaders.Add("X-Service-Token", Environment.GetEnvironmentVariable("BP_SERVICE_TOKEN"));
    var size = long.Parse(Environment.GetEnvironmentVariable("BP_DEVICE_SIZE") ?? throw new InvalidOperationException("BP_DEVICE_SIZE"), System.Globalization.CultureInfo.InvariantCulture);
    return new HttpVolumeDevice(http, new Uri(device), size, Setting("BP_REQUESTS_IN_FLIGHT") ?? HttpVolumeDevice.DefaultRequestsInFlight);
}

static int? Setting(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and report late).</summary>
internal sealed class InlineProgress(Action<long> report) : IProgress<long>
{
    public void Report(long value) => report(value);
}
