using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BackupPlatform.Admin;
using Microsoft.EntityFrameworkCore;
using static BackupPlatform.IntegrationTests.CinderHttp;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Issue 12's findings, each as the hostile tenant sent it to the all-in-one (its own process: SQLite, in-memory
/// bus, posix store): no crash, no 500, no stuck status, no secret in a log line, Cinder's 4xx and fault body.
/// </summary>
public sealed class HostileTenantTests
{
    private const string P = AllInOneProcess.Project;

    private static string Backups => $"/v3/{P}/backups";

    private static string Volumes => $"/v3/{P}/volumes";

    [Fact]
    public async Task Finding_1_thousands_of_sort_keys_or_query_parameters_do_not_kill_the_process()
    {
        await using var aio = await AllInOneProcess.StartAsync();
        using var api = aio.Client();
        var ids = string.Join(',', Enumerable.Repeat("id", 2000));
        var sorted = await api.GetAsync($"{Backups}/detail?sort={ids}");
        Assert.Equal(HttpStatusCode.OK, sorted.StatusCode);
        var mixed = string.Join(',', Enumerable.Range(0, 400).Select(i => i % 2 == 0 ? "created_at:asc" : "size:desc"));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"{Backups}?sort={mixed}")).StatusCode);

        // Every other list built from the query is bounded too: an administrator's filters are columns, one Where each.
        using var admin = aio.Client($"admin:{P}");
        var filters = string.Join('&', Enumerable.Range(0, 100).Select(i => $"k{i}=v"));
        Assert.Contains("query parameters", await AssertFaultAsync(await admin.GetAsync($"{Backups}/detail?{filters}"), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        var repeated = string.Join('&', Enumerable.Repeat("status=a", 100));
        await AssertFaultAsync(await api.GetAsync($"{Backups}?{repeated}"), HttpStatusCode.BadRequest, "badRequest");

        Assert.False(aio.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Backups)).StatusCode);
    }

    [Fact]
    public async Task Finding_2_two_restores_of_one_backup_at_once_one_wins_the_other_gets_400_and_nothing_stays_restoring()
    {
        await using var aio = await AllInOneProcess.StartAsync();
        using var api = aio.Client();
        var source = await CreateVolumeAsync(api, 1);
        var backup = await CreateBackupAsync(api, source);
        for (var round = 0; round < 3; round++)
        {
            var targets = new[] { await CreateVolumeAsync(api, 1), await CreateVolumeAsync(api, 1) };
            var answers = await Task.WhenAll(targets.Select(t => api.PostAsJsonAsync($"{Backups}/{backup}/restore", new { restore = new { volume_id = t } })));
            var codes = answers.Select(a => a.StatusCode).Order().ToArray();
            Assert.True(codes.SequenceEqual([HttpStatusCode.Accepted, HttpStatusCode.BadRequest]), $"round {round}: {string.Join(", ", codes)}");
            var loser = targets[Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.BadRequest)];
            Assert.Contains("must be available", await AssertFaultAsync(answers.Single(a => a.StatusCode == HttpStatusCode.BadRequest), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);

            // The loser gave back only what it took; the winner ends; nothing is left restoring.
            Assert.Equal("available", await StatusAsync(api, $"{Volumes}/{loser}", "volume"));
            await WaitForStatusAsync(api, $"{Backups}/{backup}", "backup", "available");
            foreach (var target in targets)
            {
                await WaitForStatusAsync(api, $"{Volumes}/{target}", "volume", "available");
            }
        }

        // A volume stuck restoring-backup (a restore the process lost) is the administrator's to end.
        var stuck = await CreateVolumeAsync(api, 1);
        using var admin = aio.Client($"admin:{P}");
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsJsonAsync($"{Volumes}/{stuck}/action", new Dictionary<string, object> { ["os-reset_status"] = new { status = "restoring-backup" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsJsonAsync($"{Volumes}/{stuck}/action", new Dictionary<string, object> { ["os-reset_status"] = new { status = "error" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await api.DeleteAsync($"{Volumes}/{stuck}")).StatusCode);
    }

    [Fact]
    public async Task Findings_4_and_5_containers_that_are_no_plain_names_are_refused_at_the_edge()
    {
        await using var aio = await AllInOneProcess.StartAsync();
        using var api = aio.Client();
        var volume = await CreateVolumeAsync(api, 1);
        foreach (var container in new[] { "volumebackups/packs/zz", "../escape", "..", ".", "/etc", "a//b", "a/b", new string('é', 200), new string('c', 256), "packs/", "-x", "sp ace", "a\\b" })
        {
            var message = await AssertFaultAsync(
                await api.PostAsJsonAsync(Backups, new { backup = new { volume_id = volume, container } }), HttpStatusCode.BadRequest, "badRequest");
            Assert.Contains("container", message, StringComparison.Ordinal);
        }

        // "" is no container (Cinder's drivers take the default), and a plain name works.
        var defaulted = await CreateBackupAsync(api, volume, container: "");
        var named = await CreateBackupAsync(api, volume, container: "tenant-a_backups.2026");
        Assert.Equal("volumebackups", (await ReadAsync(await api.GetAsync($"{Backups}/{defaulted}"))).GetProperty("backup").GetProperty("container").GetString());
        Assert.Equal("tenant-a_backups.2026", (await ReadAsync(await api.GetAsync($"{Backups}/{named}"))).GetProperty("backup").GetProperty("container").GetString());
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(aio.Root).Select(Path.GetFileName), n => n is not "data");
    }

    [Fact]
    public async Task Finding_5_a_backup_whose_container_the_store_cannot_address_is_deleted_and_force_deleted_out_of_error_deleting()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var plain = await deployment.CreateBackupAsync(volume);
        await deployment.WaitForBackupAsync(plain, "creating");
        var forced = await deployment.CreateBackupAsync(volume);
        await deployment.WaitForBackupAsync(forced, "creating");

        // Rows as the catalogue held them before containers were checked at the edge.
        await using (var db = deployment.BackupDb())
        {
            await db.Backups.Where(b => b.Id == plain).ExecuteUpdateAsync(s => s.SetProperty(b => b.Container, "../escape").SetProperty(b => b.Status, "error"));
            await db.Backups.Where(b => b.Id == forced).ExecuteUpdateAsync(s => s.SetProperty(b => b.Container, new string('é', 200)).SetProperty(b => b.Status, "error_deleting"));
        }

        Assert.Equal(HttpStatusCode.Accepted, (await deployment.Api.DeleteAsync($"{Backups}/{plain}")).StatusCode);
        var force = await SendAsync(deployment.AdminApi, HttpMethod.Post, $"{Backups}/{forced}/action", "{\"os-force_delete\": null}");
        Assert.Equal(HttpStatusCode.Accepted, force.StatusCode);
        foreach (var id in new[] { plain, forced })
        {
            await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"{Backups}/{id}")).StatusCode == HttpStatusCode.NotFound);
        }

        var usage = (await Deployment.ReadAsync(await deployment.AdminApi.GetAsync($"/v3/{P}/os-quota-sets/{P}?usage=True"))).GetProperty("quota_set");
        Assert.Equal(0, usage.GetProperty("backups").GetProperty("in_use").GetInt32());
        Assert.Equal(0, usage.GetProperty("backup_gigabytes").GetProperty("in_use").GetInt32());
        Assert.False(Directory.Exists(Path.Combine(deployment.StorePath, "..", "escape")));
    }

    [Fact]
    public async Task Finding_7_lone_surrogates_and_invalid_utf8_are_400_on_every_endpoint()
    {
        await using var aio = await AllInOneProcess.StartAsync();
        using var api = aio.Client();
        using var admin = aio.Client($"admin:{P}");
        var volume = await CreateVolumeAsync(api, 1);
        var backup = await CreateBackupAsync(api, volume);
        const string Lone = "\"\\ud800\"";
        var invalidUtf8 = new byte[] { 0x22, 0xC3, 0x28, 0xFF, 0x22 };
        var requests = new (HttpClient Client, HttpMethod Method, string Path, string Body)[]
        {
            (api, HttpMethod.Post, Backups, $"{{\"backup\":{{\"volume_id\":\"{volume}\",\"name\":{{0}}}}}}"),
            (api, HttpMethod.Post, Backups, $"{{\"backup\":{{\"volume_id\":\"{volume}\",\"description\":{{0}}}}}}"),
            (api, HttpMethod.Put, $"{Backups}/{backup}", "{\"backup\":{\"name\":{0}}}"),
            (api, HttpMethod.Post, $"{Backups}/{backup}/restore", "{\"restore\":{\"name\":{0}}}"),
            (api, HttpMethod.Post, Volumes, "{\"volume\":{\"size\":1,\"name\":{0}}}"),
            (api, HttpMethod.Post, $"/v3/{P}/snapshots", $"{{\"snapshot\":{{\"volume_id\":\"{volume}\",\"name\":{{0}}}}}}"),
            (admin, HttpMethod.Post, $"{Backups}/{backup}/action", "{\"os-reset_status\":{\"status\":{0}}}"),
            (admin, HttpMethod.Post, $"{Volumes}/{volume}/action", "{\"os-reset_status\":{\"status\":{0}}}"),
            (admin, HttpMethod.Put, $"/v3/{P}/os-quota-sets/{P}", "{\"quota_set\":{\"backups\":{0}}}"),
            (admin, HttpMethod.Put, $"/v3/{P}/os-services/disable", "{\"host\":{0},\"binary\":\"cinder-backup\"}"),
            (admin, HttpMethod.Post, $"{Backups}/import_record", "{\"backup-record\":{\"backup_service\":{0},\"backup_url\":\"e30=\"}}"),
            (api, HttpMethod.Post, Backups, "{{0}:1}"),
        };
        foreach (var (client, method, path, template) in requests)
        {
            foreach (var bad in new[] { Encoding.UTF8.GetBytes(Lone), invalidUtf8 })
            {
                var parts = template.Split("{0}");
                var body = Encoding.UTF8.GetBytes(parts[0]).Concat(bad).Concat(Encoding.UTF8.GetBytes(parts[1])).ToArray();
                using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.TryAddWithoutValidation(VersionHeader, "volume 3.71");
                var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {Convert.ToHexString(bad)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                await AssertFaultAsync(response, HttpStatusCode.BadRequest, "badRequest");
            }
        }

        Assert.Equal("available", await StatusAsync(api, $"{Volumes}/{volume}", "volume"));
    }

    [Fact]
    public async Task Finding_8_volume_sizes_past_the_quota_are_413_and_no_volume_stays_creating()
    {
        await using var aio = await AllInOneProcess.StartAsync();
        using var api = aio.Client();
        foreach (var size in new[] { 2147483647, 100000, 16385, 1001 })
        {
            Assert.Contains("gigabytes quota", await AssertOverQuotaAsync(await api.PostAsJsonAsync(Volumes, new { volume = new { size } })), StringComparison.Ordinal);
        }

        foreach (var size in new object[] { 0, -1, 2147483648L, "1", 1.5, true })
        {
            await AssertFaultAsync(await api.PostAsJsonAsync(Volumes, new { volume = new { size } }), HttpStatusCode.BadRequest, "badRequest");
        }

        for (var i = 0; i < 10; i++)
        {
            await CreateVolumeAsync(api, 1);
        }

        Assert.Contains("VolumeLimitExceeded", await AssertOverQuotaAsync(await api.PostAsJsonAsync(Volumes, new { volume = new { size = 1 } })), StringComparison.Ordinal);
        var listed = (await ReadAsync(await api.GetAsync($"{Volumes}/detail"))).GetProperty("volumes");
        Assert.Equal(10, listed.GetArrayLength());
        Assert.All(listed.EnumerateArray(), v => Assert.Equal("available", v.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Finding_9_token_mode_serves_projectless_urls_and_never_logs_the_token()
    {
        await using var aio = await AllInOneProcess.StartAsync("--BackupPlatform:Auth:Mode=token");
        var (exit, output, errors) = await RunAdminAsync(aio, "tokens", "create", "--user", "alice", "--project", P);
        Assert.True(exit == 0, errors);
        var token = output.Split('\n')[0].Trim();
        using var api = aio.Client(token);
        api.DefaultRequestHeaders.TryAddWithoutValidation(VersionHeader, "volume 3.67");

        var projectless = await api.GetAsync("/v3/backups/detail");
        Assert.True(projectless.StatusCode == HttpStatusCode.OK, await projectless.Content.ReadAsStringAsync());
        var volume = await CreateVolumeAsync(api, 1, "/v3/volumes");
        var created = await api.PostAsJsonAsync("/v3/backups", new { backup = new { volume_id = volume } });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var backup = (await ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        await WaitForStatusAsync(api, $"/v3/backups/{backup}", "backup", "available");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/v3/{P}/backups/{backup}")).StatusCode);
        using var unknown = aio.Client("not-a-token-" + Guid.NewGuid());
        await AssertFaultAsync(await unknown.GetAsync("/v3/backups"), HttpStatusCode.Unauthorized, "unauthorized");

        Assert.Contains(aio.LogLines, l => l.Contains("/v3/backups", StringComparison.Ordinal));
        Assert.DoesNotContain(aio.LogLines, l => l.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Finding_10_import_record_sizes_must_be_positive_and_quota_usage_stays_equal_to_the_rows()
    {
        await using var aio = await AllInOneProcess.StartAsync();
        using var admin = aio.Client($"admin:{P}");
        foreach (var size in new long[] { -1000, 0, -1 })
        {
            var record = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["id"] = Guid.NewGuid(), ["size"] = size, ["container"] = "volumebackups", ["display_name"] = "x", ["display_description"] = "y", ["object_count"] = 1, ["service_metadata"] = "{}",
            }));
            var message = await AssertFaultAsync(
                await admin.PostAsJsonAsync($"{Backups}/import_record", new Dictionary<string, object> { ["backup-record"] = new { backup_service = "cinder.backup.drivers.posix", backup_url = record } }),
                HttpStatusCode.BadRequest, "badRequest");
            Assert.Contains("size", message, StringComparison.Ordinal);
        }

        foreach (var container in new[] { "../x", "volumebackups/packs/zz" })
        {
            var record = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["id"] = Guid.NewGuid(), ["size"] = 1, ["container"] = container }));
            await AssertFaultAsync(
                await admin.PostAsJsonAsync($"{Backups}/import_record", new Dictionary<string, object> { ["backup-record"] = new { backup_service = "cinder.backup.drivers.posix", backup_url = record } }),
                HttpStatusCode.BadRequest, "badRequest");
        }

        var usage = (await ReadAsync(await admin.GetAsync($"/v3/{P}/os-quota-sets/{P}?usage=True"))).GetProperty("quota_set");
        Assert.Equal(0, usage.GetProperty("backup_gigabytes").GetProperty("in_use").GetInt32());
        Assert.Equal(0, usage.GetProperty("backups").GetProperty("in_use").GetInt32());
    }

    [Fact]
    public async Task Finding_11_faults_are_bounded_and_hold_no_parser_internals_and_non_json_bodies_are_refused()
    {
        await using var aio = await AllInOneProcess.StartAsync();
        using var api = aio.Client();
        var volume = await CreateVolumeAsync(api, 1);

        var malformed = await AssertFaultAsync(await SendAsync(api, HttpMethod.Post, Backups, "{\"backup\": {\"volume_id\": "), HttpStatusCode.BadRequest, "badRequest");
        Assert.DoesNotContain("LineNumber", malformed, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePosition", malformed, StringComparison.Ordinal);

        using (var plain = new HttpRequestMessage(HttpMethod.Post, Backups) { Content = new StringContent($"{{\"backup\":{{\"volume_id\":\"{volume}\"}}}}", Encoding.UTF8, "text/plain") })
        {
            Assert.Contains("Content-Type", await AssertFaultAsync(await api.SendAsync(plain), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        }

        Assert.Equal(0, (await ReadAsync(await api.GetAsync(Backups))).GetProperty("backups").GetArrayLength());

        var huge = new string('n', 1000 * 1000);
        var tooLong = await api.PostAsJsonAsync(Backups, new { backup = new { volume_id = volume, name = huge } });
        var text = await tooLong.Content.ReadAsStringAsync();
        Assert.True(text.Length < 2048, $"{text.Length} characters of fault");
        await AssertFaultAsync(tooLong, HttpStatusCode.BadRequest, "badRequest");
        var longContainer = await api.PostAsJsonAsync(Backups, new { backup = new { volume_id = volume, container = huge } });
        Assert.True((await longContainer.Content.ReadAsStringAsync()).Length < 2048);
    }

    [Fact]
    public void Finding_11_fail_reasons_hold_no_server_paths_or_type_names()
    {
        var reasons = new[]
        {
            BackupPlatform.Worker.FailReasons.ForTenant(new BackupPlatform.Storage.Stores.StoreException(
                "Posix store could not write volumebackups/packs/ab/x: Could not find a part of the path '/srv/backupplatform/data/backups/volumebackups/packs/ab/x'.")),
            BackupPlatform.Worker.FailReasons.ForTenant(new InvalidDataException("Backup 1 has no manifest in container /var/lib/backups: it is incomplete.")),
            BackupPlatform.Worker.FailReasons.ForTenant(new NotSupportedException("Specified method is not supported.")),
            BackupPlatform.Worker.FailReasons.ForTenant(new ArgumentException("Invalid container name '../x'.", "container")),
            BackupPlatform.Worker.FailReasons.ForTenant(new IOException("Disk full at /data/x")),
        };
        foreach (var reason in reasons)
        {
            Assert.DoesNotContain("/srv", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("/var/lib", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("/data", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("Parameter", reason, StringComparison.Ordinal);
        }

        Assert.Contains("Posix store could not write volumebackups/packs/ab/x", reasons[0], StringComparison.Ordinal);
        Assert.Equal(
            "Swift store at http://127.0.0.1:8080/v1/AUTH_x is unreachable",
            BackupPlatform.Worker.FailReasons.ForTenant(new BackupPlatform.Storage.Stores.StoreException("Swift store at http://127.0.0.1:8080/v1/AUTH_x is unreachable")));
    }

    internal static async Task<Guid> CreateVolumeAsync(HttpClient api, int size, string? path = null)
    {
        var response = await api.PostAsJsonAsync(path ?? Volumes, new { volume = new { size } });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await ReadAsync(response)).GetProperty("volume").GetProperty("id").GetGuid();
    }

    internal static async Task<Guid> CreateBackupAsync(HttpClient api, Guid volume, string? container = null)
    {
        var response = await api.PostAsJsonAsync(Backups, new { backup = new { volume_id = volume, container } });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();
        await WaitForStatusAsync(api, $"{Backups}/{id}", "backup", "available");
        return id;
    }

    internal static async Task<string?> StatusAsync(HttpClient api, string path, string root) =>
        (await ReadAsync(await api.GetAsync(path))).GetProperty(root).GetProperty("status").GetString();

    internal static async Task WaitForStatusAsync(HttpClient api, string path, string root, string status)
    {
        string? last = null;
        try
        {
            await Deployment.WaitUntilAsync(async () => (last = await StatusAsync(api, path, root)) == status, seconds: 60);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{path} stayed {last}, expected {status}", e);
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) => await Deployment.ReadAsync(response);

    /// <summary>Cinder's quota fault: 413 overLimit with retryAfter "0" and the Retry-After header; returns the message.</summary>
    private static async Task<string> AssertOverQuotaAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text}");
        var fault = JsonDocument.Parse(text).RootElement.GetProperty("overLimit");
        AssertKeys(fault, "code", "message", "retryAfter");
        Assert.Equal("0", response.Headers.RetryAfter?.ToString());
        return fault.GetProperty("message").GetString()!;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAdminAsync(AllInOneProcess aio, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await AdminTool.RunAsync(
            [.. args, "--BackupPlatform:Database:Provider=sqlite", $"--BackupPlatform:Database:ConnectionString=Data Source={aio.DatabasePath}", "--BackupPlatform:Bus:Transport=inmemory"],
            output,
            errors);
        return (exit, output.ToString(), errors.ToString());
    }
}
