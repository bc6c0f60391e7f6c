using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// The fuzz tier: a seeded generator sends thousands of hostile requests to the all-in-one, across every
/// endpoint and microversion (malformed JSON, wrong types, boundary numbers, odd Unicode, repeated and huge
/// parameters, other tenants' ids, admin actions racing work in flight). It asserts no 5xx, the process
/// alive, every backup and volume terminal within a bounded time after, and quota usage equal to the rows.
/// A failure prints the seed (rerun with BP_FUZZ_SEED) and the request. BP_FUZZ_REQUESTS sets the count.
/// </summary>
public sealed class FuzzTests
{
    private const string A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static readonly string[] Versions = ["", "3.0", "3.9", "3.31", "3.34", "3.37", "3.43", "3.45", "3.47", "3.51", "3.56", "3.64", "3.67", "3.71", "latest", "3.72", "4.0", "3.x", "volume", "3.9, compute 2.1"];

    private static readonly string[] Strings =
    [
        "", " ", "x", "backup", "\\ud800", "\\udfff\\ud800", "\\u0000", "é", "😀", "\\u202etxt.exe", "../../etc/passwd", "/etc", "volumebackups/packs/zz", "packs",
        "%00", "' OR 1=1 --", "<script>", "null", "true", "1e309", "a//b", "..", new string('é', 200), new string('x', 255), new string('x', 256), new string('y', 70000),
    ];

    private static readonly string[] Numbers = ["0", "-1", "1", "2", "1.5", "-0", "2147483647", "2147483648", "-2147483648", "9223372036854775808", "1e308", "1e-308", "16385", "\"1\"", "true", "null", "[]", "{}"];

    [Fact]
    public async Task Thousands_of_hostile_requests_get_no_5xx_and_leave_every_backup_and_volume_terminal()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BP_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var count = int.TryParse(Environment.GetEnvironmentVariable("BP_FUZZ_REQUESTS"), out var n) ? n : 2000;
        await using var aio = await AllInOneProcess.StartAsync("--BackupPlatform:Volumes:QuotaVolumes=60", "--BackupPlatform:Volumes:QuotaGigabytes=200");
        using var tenantA = aio.Client($"alice:{A}");
        using var tenantB = aio.Client($"bob:{B}");
        using var admin = aio.Client($"admin:{A}");
        var ids = new ConcurrentBag<string>();
        foreach (var client in new[] { tenantA, tenantB })
        {
            var volume = await HostileTenantTests.CreateVolumeAsync(client, 1, $"/v3/{(client == tenantA ? A : B)}/volumes");
            ids.Add(volume.ToString());
        }

        var failures = new ConcurrentQueue<string>();
        var sent = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var random = new Random(HashCode.Combine(seed, i));
            var (client, request, description) = Generate(random, tenantA, tenantB, admin, ids.ToArray());
            using (request)
            {
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request, CancellationToken.None);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue($"seed {seed} request {i}: {description} -> {e.GetType().Name}: {e.Message}");
                    return;
                }

                Interlocked.Increment(ref sent);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    failures.Enqueue($"seed {seed} request {i}: {description} -> {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}");
                }

                // Ids the service made become targets of later requests (and of the other tenant's).
                if (response.IsSuccessStatusCode && text.StartsWith('{'))
                {
                    foreach (var root in new[] { "backup", "volume", "snapshot" })
                    {
                        if (JsonDocument.Parse(text).RootElement.TryGetProperty(root, out var item) && item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id))
                        {
                            ids.Add(id.GetString()!);
                        }
                    }
                }
            }
        });

        Assert.False(aio.HasExited, $"seed {seed}: the all-in-one died\n{string.Join('\n', aio.LogLines.TakeLast(30))}");
        Assert.True(failures.IsEmpty, $"seed {seed}: {failures.Count} of {count} requests failed:\n{string.Join('\n', failures.Take(20))}");
        Assert.True(sent >= count, $"seed {seed}: only {sent} answered");

        // Everything ends: no backup or volume left in a transitional status.
        string[] transitional = ["creating", "deleting", "restoring", "backing-up", "restoring-backup", "attaching", "detaching", "downloading", "uploading"];
        var stuck = new List<string>();
        try
        {
            await Deployment.WaitUntilAsync(async () =>
            {
                stuck.Clear();
                var backups = (await Deployment.ReadAsync(await admin.GetAsync($"/v3/{A}/backups/detail?all_tenants=1"))).GetProperty("backups");
                var volumes = (await Deployment.ReadAsync(await admin.GetAsync($"/v3/{A}/volumes/detail?all_tenants=1"))).GetProperty("volumes");
                stuck.AddRange(backups.EnumerateArray().Concat(volumes.EnumerateArray())
                    .Where(x => transitional.Contains(x.GetProperty("status").GetString()))
                    .Select(x => $"{x.GetProperty("id")} {x.GetProperty("status")}"));
                return stuck.Count == 0;
            }, seconds: 120);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"seed {seed}: stuck after the run: {string.Join(", ", stuck)}");
        }

        // Quota usage equals what the rows hold.
        foreach (var project in new[] { A, B })
        {
            var backups = (await Deployment.ReadAsync(await admin.GetAsync($"/v3/{A}/backups/detail?all_tenants=1&project_id={project}"))).GetProperty("backups").EnumerateArray().ToList();
            var usage = (await Deployment.ReadAsync(await admin.GetAsync($"/v3/{A}/os-quota-sets/{project}?usage=True"))).GetProperty("quota_set");
            Assert.True(backups.Count == usage.GetProperty("backups").GetProperty("in_use").GetInt32(), $"seed {seed}: project {project} has {backups.Count} backups, quota says {usage.GetProperty("backups")}");
            Assert.True(backups.Sum(b => b.GetProperty("size").GetInt32()) == usage.GetProperty("backup_gigabytes").GetProperty("in_use").GetInt32(), $"seed {seed}: project {project} gigabytes differ: {usage.GetProperty("backup_gigabytes")}");
        }
    }

    private static (HttpClient Client, HttpRequestMessage Request, string Description) Generate(Random random, HttpClient a, HttpClient b, HttpClient admin, string[] known)
    {
        string Pick(string[] items) => items[random.Next(items.Length)];
        string Id() => random.Next(10) switch
        {
            < 6 when known.Length > 0 => known[random.Next(known.Length)],
            6 => Guid.NewGuid().ToString(),
            7 => "not-a-uuid",
            8 => Uri.EscapeDataString(Pick(Strings).Replace("\\u", "%u", StringComparison.Ordinal)),
            _ => new string('f', random.Next(30, 400)),
        };
        string Str() => random.Next(4) == 0 ? Pick(Numbers) : $"\"{Pick(Strings)}\"";
        string Value() => random.Next(3) == 0 ? Pick(Numbers) : Str();
        string Object(params string[] keys) => "{" + string.Join(',', keys.Where(_ => random.Next(4) != 0).Select(k => $"\"{k}\":{(k is "volume_id" or "snapshot_id" && random.Next(2) == 0 ? $"\"{Id()}\"" : Value())}")) + (random.Next(8) == 0 ? $",\"{Pick(Strings)}\":1" : string.Empty) + "}";
        string Mangle(string body) => random.Next(12) switch
        {
            0 => body[..random.Next(body.Length + 1)],
            1 => "[" + body + "]",
            2 => "null",
            3 => body.Replace("\"", "'", StringComparison.Ordinal),
            4 => new string('[', 2000),
            _ => body,
        };

        var client = random.Next(3) switch { 0 => a, 1 => b, _ => admin };
        var project = random.Next(8) switch { 0 => B, 1 => "other", 2 => "", _ => client == b ? B : A };
        var root = project.Length == 0 ? "/v3" : $"/v3/{project}";
        var query = random.Next(4) == 0 ? "?" + string.Join('&', Enumerable.Range(0, random.Next(1, 80)).Select(_ => $"{Pick(["sort", "sort_key", "sort_dir", "limit", "offset", "marker", "all_tenants", "with_count", "name", "status", "volume_id", "name~", "status~", "project_id", "size", "usage", "foo"])}={Uri.EscapeDataString(Pick([.. Numbers, "created_at:asc,id:desc", "name", "display_name:desc", "size:up", "id," + string.Join(',', Enumerable.Repeat("id", 300)), Id()]))}")) : string.Empty;
        var (method, path, body) = random.Next(22) switch
        {
            0 => (HttpMethod.Post, $"{root}/backups", Mangle($"{{\"backup\":{Object("volume_id", "name", "description", "container", "incremental", "force", "snapshot_id", "metadata", "availability_zone")}}}")),
            1 => (HttpMethod.Get, $"{root}/backups", null),
            2 => (HttpMethod.Get, $"{root}/backups/detail", null),
            3 => (HttpMethod.Get, $"{root}/backups/{Id()}", null),
            4 => (HttpMethod.Put, $"{root}/backups/{Id()}", Mangle($"{{\"backup\":{Object("name", "description", "metadata")}}}")),
            5 => (HttpMethod.Delete, $"{root}/backups/{Id()}", null),
            6 => (HttpMethod.Post, $"{root}/backups/{Id()}/restore", Mangle($"{{\"restore\":{Object("volume_id", "name")}}}")),
            7 => (HttpMethod.Get, $"{root}/backups/{Id()}/export_record", null),
            8 => (HttpMethod.Post, $"{root}/backups/import_record", Mangle($"{{\"backup-record\":{{\"backup_service\":{Str()},\"backup_url\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"id\":\"{Guid.NewGuid()}\",\"size\":{Pick(Numbers)},\"container\":{Str()},\"display_name\":{Str()}}}"))}\"}}}}")),
            9 => (HttpMethod.Post, $"{root}/backups/{Id()}/action", Mangle(random.Next(2) == 0 ? $"{{\"os-reset_status\":{{\"status\":{Pick(["\"available\"", "\"error\"", "\"AVAILABLE\"", Str()])}}}}}" : $"{{\"os-force_delete\":{Pick(["null", "{}", Value()])}}}")),
            10 => (HttpMethod.Post, $"{root}/volumes", Mangle($"{{\"volume\":{{\"size\":{Pick(["1", "1", "2", .. Numbers])},\"name\":{Str()}}}}}")),
            11 => (HttpMethod.Get, $"{root}/volumes/detail", null),
            12 => (HttpMethod.Get, $"{root}/volumes/{Id()}", null),
            13 => (HttpMethod.Delete, $"{root}/volumes/{Id()}", null),
            14 => (HttpMethod.Post, $"{root}/volumes/{Id()}/action", Mangle(random.Next(2) == 0 ? $"{{\"os-reset_status\":{{\"status\":{Pick(["\"available\"", "\"error\"", Str()])}}}}}" : "{\"os-force_delete\":null}")),
            15 => (HttpMethod.Post, $"{root}/snapshots", Mangle($"{{\"snapshot\":{Object("volume_id", "name", "description", "force", "metadata")}}}")),
            16 => (HttpMethod.Get, $"{root}/snapshots/detail", null),
            17 => (HttpMethod.Delete, $"{root}/snapshots/{Id()}", null),
            18 => (HttpMethod.Get, $"{root}/os-quota-sets/{Pick([A, B, "x", Id()])}", null),
            19 => (HttpMethod.Put, $"{root}/os-quota-sets/{Pick([A, B, Id()])}", Mangle($"{{\"quota_set\":{Object("backups", "backup_gigabytes", "volumes")}}}")),
            20 => (HttpMethod.Get, Pick([$"{root}/os-services", $"{root}/limits", "/v3/", "/", $"{root}/os-availability-zone", $"{root}/types"]), null),
            _ => (HttpMethod.Put, $"{root}/os-services/{Pick(["enable", "disable", "freeze", Id()])}", Mangle($"{{\"host\":{Str()},\"binary\":{Str()}}}")),
        };

        // A volume or backup in a restore or backup is the usual target of a racing admin action: keep work in flight.
        var request = new HttpRequestMessage(method, path + query);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", Pick(["application/json", "application/json", "application/json", "text/plain", "application/json; charset=latin1", "application/vnd.openstack.volume+json", "multipart/form-data"]));
        }

        var version = Pick(Versions);
        if (version.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("OpenStack-API-Version", version.Contains(' ', StringComparison.Ordinal) ? version : $"volume {version}");
        }

        var who = client == a ? "tenant A" : client == b ? "tenant B" : "admin";
        return (client, request, $"{who} {method} {path + query} {(body is null ? string.Empty : body[..Math.Min(body.Length, 300)])} [{version}]");
    }
}
