using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;
using Xunit.Abstractions;

namespace BackupPlatform.ContainerTests;

/// <summary>
/// The deployment as README's "Deploy with Compose" describes it, on a real container engine: the images
/// built from the Dockerfile, the stack of docker-compose.yml brought up, and through the API on :8776 a
/// byte-identical backup and restore in each zone (zone az2's worker does not mount the volumes), three
/// distinct worker hosts after --scale, a worker container killed mid-backup, and every backup kept across
/// `down` + `up`. One test, so the images and the stack are paid for once. The engine is the one
/// DOCKER_HOST names (scripts/containers.sh start; eval "$(scripts/containers.sh --env)").
/// </summary>
[Trait("Category", "Containers")]
public sealed class ComposeStackTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string ComposeProject = "bp-compose-test";
    private const string Project = "0123456789abcdef0123456789abcdef";
    private const long GiB = 1L << 30;
    private const string AllInOnePort = "20876";
    private static readonly string Root = FindRoot();
    private readonly HttpClient _api = new() { BaseAddress = new Uri($"http://127.0.0.1:8776/v3/{Project}/"), Timeout = TimeSpan.FromMinutes(5) };
    private readonly List<string> _timings = [];
    private DockerClient? _docker;

    private DockerClient Docker => _docker ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync()
    {
        var endpoint = TestcontainersSettings.OS.DockerEndpointAuthConfig
            ?? throw new InvalidOperationException("No container engine answers: run scripts/containers.sh start, then eval \"$(scripts/containers.sh --env)\" (or start Docker).");
        _docker = endpoint.GetDockerClientBuilder(Guid.NewGuid()).Build();
        _api.DefaultRequestHeaders.Add("X-Auth-Token", $"admin:{Project}");
        await ComposeAsync(TimeSpan.FromMinutes(3), "--profile", "all-in-one", "down", "-v", "--remove-orphans");
    }

    public async Task DisposeAsync()
    {
        foreach (var line in _timings)
        {
            output.WriteLine(line);
        }

        if (Environment.GetEnvironmentVariable("BP_KEEP_COMPOSE_STACK") != "1")
        {
            await ComposeAsync(TimeSpan.FromMinutes(3), "--profile", "all-in-one", "down", "-v", "--remove-orphans");
        }

    }

    public void Dispose()
    {
        _api.Dispose();
        _docker?.Dispose();
    }

    [Fact]
    public async Task Compose_stack_backs_up_and_restores_scales_out_survives_a_worker_kill_and_keeps_backups_across_down_and_up()
    {
        // scripts/test.sh builds the images as a part of its own (timed apart) and says so.
        if (Environment.GetEnvironmentVariable("BP_COMPOSE_IMAGES_BUILT") != "1")
        {
            await TimedAsync("build", () => ComposeAsync(TimeSpan.FromMinutes(20), "--profile", "all-in-one", "build"));
        }

        // The stack, and beside it the all-in-one image: non-root on a read-only root, its SQLite database
        // and data in a fresh volume.
        await TimedAsync("up", async () =>
        {
            await ComposeAsync(TimeSpan.FromMinutes(5), "--profile", "all-in-one", "up", "-d");
            await WaitForHostsAsync("nova", 1);
            await WaitForHealthAsync(new Uri($"http://127.0.0.1:{AllInOnePort}/health"));
            await ComposeAsync(TimeSpan.FromMinutes(1), "--profile", "all-in-one", "rm", "-s", "-f", "all-in-one");
        });

        // A byte-identical backup and restore through the API, by a worker on the volume service's filesystem.
        var data = RandomBytes(64 << 20);
        var volume = await CreateVolumeAsync(data, zone: null);
        var first = await TimedAsync("backup 64 MiB", () => BackupAsync(volume));
        await TimedAsync("restore 64 MiB", () => AssertRestoresAsync(first, data));

        // Three replicas are three hosts, named after their containers.
        var hosts = await TimedAsync("scale to 3 workers", async () =>
        {
            await ComposeAsync(TimeSpan.FromMinutes(5), "up", "-d", "--scale", "worker=3");
            return await WaitForHostsAsync("nova", 3);
        });
        var containers = await WorkerContainersAsync();
        Assert.Equal(hosts.Order(), containers.Keys.Order());

        // A worker container killed mid-backup (SIGKILL) and started again: it is the same host (its
        // container's name), its start-up cleanup ends the create it had begun (README, Operating notes:
        // `error`, the volume back to `available`), and the volume backs up again.
        await TimedAsync("kill a worker mid-backup", async () =>
        {
            var victim = hosts[0];
            foreach (var other in hosts.Skip(1))
            {
                await SetHostEnabledAsync(other, enabled: false);
            }

            var big = await CreateVolumeAsync(RandomBytes(640 << 20), zone: null);
            var backup = await StartBackupAsync(big);
            await WaitUntilBegunAsync(backup);
            await Docker.Containers.KillContainerAsync(containers[victim], new ContainerKillParameters { Signal = "KILL" });
            foreach (var other in hosts.Skip(1))
            {
                await SetHostEnabledAsync(other, enabled: true);
            }

            await Docker.Containers.StartContainerAsync(containers[victim], new ContainerStartParameters());
            var ended = await WaitForStatusAsync($"backups/{backup}", "backup", "creating", TimeSpan.FromMinutes(3));
            Assert.Equal("error", ended.GetProperty("status").GetString());
            var volumeAfter = await WaitForStatusAsync($"volumes/{big}", "volume", "backing-up", TimeSpan.FromMinutes(1));
            Assert.Equal("available", volumeAfter.GetProperty("status").GetString());
            Assert.Equal(hosts.Order(), (await WaitForHostsAsync("nova", 3)).Order());
            await BackupAsync(big);
        });

        // `down` + `up` keeps the catalogue, the queues, the volumes and the store: every backup is listed and restores.
        var before = await ListBackupsAsync();
        var removed = (await GetAsync("os-services")).GetProperty("services").EnumerateArray().Select(h => h.GetProperty("host").GetString()!).ToList();
        await TimedAsync("down + up", async () =>
        {
            await ComposeAsync(TimeSpan.FromMinutes(8), "down");
            await ComposeAsync(TimeSpan.FromMinutes(5), "up", "-d");
            await WaitForHostsAsync("nova", 1, removed);
            await WaitForHostsAsync("az2", 1, removed);
        });
        var after = await ListBackupsAsync();
        Assert.Equal(before, after);
        Assert.Equal(["available", "available", "error"], before.Select(b => b.Status).Order());
        await TimedAsync("restore after down + up", () => AssertRestoresAsync(first, data));

        // Zone az2: its worker mounts no volume of the volume service and reads and writes them over HTTP.
        var az2Data = RandomBytes(48 << 20);
        var az2Volume = await CreateVolumeAsync(az2Data, zone: "az2");
        var az2Backup = await TimedAsync("backup in az2 (no volume mount)", () => BackupAsync(az2Volume));
        await TimedAsync("restore in az2 (no volume mount)", () => AssertRestoresAsync(az2Backup, az2Data, zone: "az2"));
    }

    private async Task<string> CreateVolumeAsync(byte[] content, string? zone)
    {
        var volume = new Dictionary<string, object> { ["size"] = 1, ["name"] = "compose-test" };
        if (zone is not null)
        {
            volume["availability_zone"] = zone;
        }

        var id = (await PostAsync("volumes", new { volume })).GetProperty("volume").GetProperty("id").GetString()!;
        await WaitForStatusAsync($"volumes/{id}", "volume", "creating", TimeSpan.FromMinutes(1));
        using var body = new ByteArrayContent(content);
        using var upload = await _api.PutAsync($"volumes/{id}/content", body);
        Assert.True(upload.IsSuccessStatusCode, $"upload: {(int)upload.StatusCode} {await upload.Content.ReadAsStringAsync()}");
        return id;
    }

    private async Task<string> StartBackupAsync(string volumeId) =>
        (await PostAsync("backups", new { backup = new { volume_id = volumeId } })).GetProperty("backup").GetProperty("id").GetString()!;

    private async Task<string> BackupAsync(string volumeId)
    {
        var id = await StartBackupAsync(volumeId);
        var backup = await WaitForStatusAsync($"backups/{id}", "backup", "creating", TimeSpan.FromMinutes(5));
        Assert.True(backup.GetProperty("status").GetString() == "available", $"backup {id}: {backup}");
        return id;
    }

    /// <summary>Restores into a new volume and reads it back: the content, then zeros to the volume's end.</summary>
    private async Task AssertRestoresAsync(string backupId, byte[] content, string? zone = null)
    {
        var target = new Dictionary<string, object> { ["size"] = 1, ["name"] = "compose-test-restore" };
        if (zone is not null)
        {
            target["availability_zone"] = zone;
        }

        var volumeId = (await PostAsync("volumes", new { volume = target })).GetProperty("volume").GetProperty("id").GetString()!;
        await WaitForStatusAsync($"volumes/{volumeId}", "volume", "creating", TimeSpan.FromMinutes(1));
        await PostAsync($"backups/{backupId}/restore", new { restore = new { volume_id = volumeId } });
        var backup = await WaitForStatusAsync($"backups/{backupId}", "backup", "restoring", TimeSpan.FromMinutes(5));
        var volume = await WaitForStatusAsync($"volumes/{volumeId}", "volume", "restoring-backup", TimeSpan.FromMinutes(1));
        Assert.True(volume.GetProperty("status").GetString() == "available", $"restore of {backupId}: backup {backup}, volume {volume}");

        var watch = Stopwatch.StartNew();
        await using var restored = await _api.GetStreamAsync($"volumes/{volumeId}/content");
        var buffer = new byte[1 << 20];
        var zeros = new byte[buffer.Length];
        long offset = 0;
        int read;
        while ((read = await restored.ReadAsync(buffer)) > 0)
        {
            var inContent = (int)Math.Clamp(content.Length - offset, 0, read);
            if (!buffer.AsSpan(0, inContent).SequenceEqual(content.AsSpan((int)Math.Min(offset, content.Length), inContent))
                || !buffer.AsSpan(inContent, read - inContent).SequenceEqual(zeros.AsSpan(0, read - inContent)))
            {
                Assert.Fail($"restored volume of backup {backupId} differs within bytes {offset}..{offset + read}");
            }

            offset += read;
        }

        Assert.Equal(GiB, offset);
        _timings.Add($"time (read back 1 GiB through the API: {watch.Elapsed.TotalSeconds:F1} s)");
    }

    /// <summary>Waits until the create's worker has begun it: its backup.create.start notification is journaled.</summary>
    private async Task WaitUntilBegunAsync(string backupId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var messages = (await GetAsync($"os-admin/messages?backup_id={backupId}&type=BackupNotification")).GetProperty("messages");
            if (messages.GetArrayLength() > 0)
            {
                var backup = (await GetAsync($"backups/{backupId}")).GetProperty("backup");
                Assert.True(backup.GetProperty("status").GetString() == "creating", $"the backup was no longer being created when the worker was to be killed: {backup}");
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"backup {backupId} was not begun within 2 minutes");
    }

    /// <summary>
    /// Waits until the zone has exactly this many cinder-backup hosts up, leaving out the hosts of removed
    /// containers (they count as up until ServiceDownTime after their last heartbeat); returns their names.
    /// </summary>
    private async Task<List<string>> WaitForHostsAsync(string zone, int count, IReadOnlyCollection<string>? gone = null)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var up = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var services = (await GetAsync("os-services")).GetProperty("services");
                up = services.EnumerateArray()
                    .Where(s => s.GetProperty("zone").GetString() == zone && s.GetProperty("state").GetString() == "up")
                    .Select(s => s.GetProperty("host").GetString()!)
                    .Where(host => gone is null || !gone.Contains(host))
                    .ToList();
                if (up.Count == count)
                {
                    return up;
                }
            }
            catch (HttpRequestException)
            {
                // The API is still starting.
            }

            await Task.Delay(1000);
        }

        Assert.Fail($"zone {zone}: {up.Count} hosts up ({string.Join(", ", up)}), expected {count}");
        return up;
    }

    private static async Task WaitForHealthAsync(Uri health)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync(health);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(1000);
        }

        Assert.Fail($"{health}: {last}");
    }

    private async Task SetHostEnabledAsync(string host, bool enabled) =>
        await PutAsync($"os-services/{(enabled ? "enable" : "disable")}", new { host, binary = "cinder-backup" });

    /// <summary>The running containers of the compose service `worker`, by host name.</summary>
    private async Task<Dictionary<string, string>> WorkerContainersAsync()
    {
        var listed = await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"com.docker.compose.project={ComposeProject}"] = true,
                    ["com.docker.compose.service=worker"] = true,
                },
            },
        });
        var byHost = new Dictionary<string, string>();
        foreach (var container in listed)
        {
            var inspected = await Docker.Containers.InspectContainerAsync(container.ID);
            byHost[inspected.Config?.Hostname ?? container.ID] = container.ID;
        }

        return byHost;
    }

    private async Task<List<(string Id, string Status)>> ListBackupsAsync()
    {
        var backups = (await GetAsync("backups/detail")).GetProperty("backups");
        return backups.EnumerateArray()
            .Select(b => (b.GetProperty("id").GetString()!, b.GetProperty("status").GetString()!))
            .OrderBy(b => b.Item1, StringComparer.Ordinal)
            .ToList();
    }

    private async Task<JsonElement> WaitForStatusAsync(string path, string key, string transitional, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement item;
        do
        {
            item = (await GetAsync(path)).GetProperty(key);
            if (item.GetProperty("status").GetString() != transitional)
            {
                return item;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"{path} still {transitional} after {timeout}: {item}");
        return item;
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _api.GetAsync(path);
        return await ReadAsync(response, path);
    }

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _api.PostAsJsonAsync(path, body);
        return await ReadAsync(response, path);
    }

    private async Task<JsonElement> PutAsync(string path, object body)
    {
        using var response = await _api.PutAsJsonAsync(path, body);
        return await ReadAsync(response, path);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{path}: {(int)response.StatusCode} {text}", null, response.StatusCode);
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task TimedAsync(string step, Func<Task> action) => await TimedAsync(step, async () =>
    {
        await action();
        return true;
    });

    private async Task<T> TimedAsync<T>(string step, Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await action();
        _timings.Add($"time {step}: {watch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine(_timings[^1]);
        return result;
    }

    /// <summary>Runs docker-compose on this repository's docker-compose.yml as project bp-compose-test.</summary>
    private static async Task ComposeAsync(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("docker-compose") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ALL_IN_ONE_PORT"] = AllInOnePort;
        foreach (var argument in new[] { "-p", ComposeProject, "-f", Path.Combine(Root, "docker-compose.yml") }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker-compose did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"docker-compose {string.Join(' ', arguments)} took over {timeout}: {await stderr}");
        }

        var log = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker-compose {string.Join(' ', arguments)} exited {process.ExitCode}:\n{log}");
        }
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "docker-compose.yml")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("docker-compose.yml not found above " + AppContext.BaseDirectory);
    }
}
