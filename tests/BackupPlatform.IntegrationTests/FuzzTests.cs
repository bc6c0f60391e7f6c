using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// The fuzz tier: a seeded generator sends thousands of hostile requests across every
/// endpoint and microversion (malformed JSON, wrong types, boundary numbers, odd Unicode, repeated and huge
/// parameters, other tenants' ids, admin actions racing work in flight). It asserts no 5xx, the process
/// alive, every backup and volume terminal within a bounded time after, quota usage equal to the rows, and that
/// no answer to tenant B depends on whether tenant A's data exists. It runs against the all-in-one and against the
/// separate services. A failure prints the seed (rerun with BP_FUZZ_SEED) and the request. BP_FUZZ_REQUESTS sets the count.
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
    public async Task Thousands_of_hostile_requests_to_the_all_in_one_get_no_5xx_and_leave_every_backup_and_volume_terminal()
    {
        await using var aio = await AllInOneProcess.StartAsync("--BackupPlatform:Volumes:QuotaVolumes=60", "--BackupPlatform:Volumes:QuotaGigabytes=200");
        using var tenantA = aio.Client($"alice:{A}");
        using var tenantB = aio.Client($"bob:{B}");
        using var admin = aio.Client($"admin:{A}");
        await RunAsync(new Target(tenantA, tenantB, admin, () => aio.HasExited ? $"the all-in-one died\n{string.Join('\n', aio.LogLines.TakeLast(30))}" : null));
    }

    /// <summary>The same run against the production topology: API, scheduler, worker and volume service as separate
    /// hosts on PostgreSQL and RabbitMQ, the API passing volume calls through to the volume service over HTTP.</summary>
    [Fact]
    public async Task Thousands_of_hostile_requests_to_the_separate_services_get_no_5xx_and_leave_every_backup_and_volume_terminal()
    {
        await using var deployment = await Deployment.StartAsync(settings: ["--BackupPlatform:Volumes:QuotaVolumes=60", "--BackupPlatform:Volumes:QuotaGigabytes=200"]);
        using var tenantA = deployment.ApiAs("alice", A);
        using var tenantB = deployment.ApiAs("bob", B);
        using var admin = deployment.ApiAs("admin", A);
        await RunAsync(new Target(tenantA, tenantB, admin, () => null));
    }

    /// <summary>The clients of one deployment under test, and how to tell it has died (null while alive).</summary>
    private sealed record Target(HttpClient TenantA, HttpClient TenantB, HttpClient Admin, Func<string?> Death);

    private static async Task RunAsync(Target target)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BP_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var count = int.TryParse(Environment.GetEnvironmentVariable("BP_FUZZ_REQUESTS"), out var n) ? n : 2000;
        var (tenantA, tenantB, admin) = (target.TenantA, target.TenantB, target.Admin);

        // Who made each id the service gave back: tenant B's requests naming only tenant A's ids are checked against
        // twins naming ids that exist nowhere (nothing tenant B sees may depend on whether tenant A's data exists).
        var owners = new ConcurrentDictionary<string, HttpClient>();
        foreach (var client in new[] { tenantA, tenantB })
        {
            var volume = await HostileTenantTests.CreateVolumeAsync(client, 1, $"/v3/{(client == tenantA ? A : B)}/volumes");
            owners[volume.ToString()] = client;
        }

        // Tenant A holds one of each kind before the run, so the probes below always have a backup and a snapshot.
        var volumeOfA = owners.Single(o => o.Value == tenantA).Key;
        var backupOfA = await CreateAsync(tenantA, $"/v3/{A}/backups", "backup", new { backup = new { volume_id = volumeOfA } });
        await HostileTenantTests.WaitForStatusAsync(tenantA, $"/v3/{A}/backups/{backupOfA}", "backup", "available");
        var snapshotOfA = await CreateAsync(tenantA, $"/v3/{A}/snapshots", "snapshot", new { snapshot = new { volume_id = volumeOfA } });
        string[] seeded = [volumeOfA, backupOfA, snapshotOfA];
        foreach (var id in seeded)
        {
            owners[id] = tenantA;
        }

        var failures = new ConcurrentQueue<string>();
        var sent = 0;
        var twins = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var random = new Random(HashCode.Combine(seed, i));
            var (client, request, description) = Generate(random, tenantA, tenantB, admin, [.. owners.Keys]);
            // The generator encodes bodies as UTF-8 whatever charset it declares: decode them so, to twin them byte for byte.
            var body = request.Content is null ? null : Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync(CancellationToken.None));
            var named = client == tenantB ? owners.Keys.Where(id => request.RequestUri!.OriginalString.Contains(id, StringComparison.Ordinal) || body?.Contains(id, StringComparison.Ordinal) == true).ToList() : [];
            var twin = named.Count == 1 && owners[named[0]] == tenantA ? Twin(request, body, named[0], Guid.NewGuid().ToString()) : null;
            var answer = await SendAsync(client, request, $"seed {seed} request {i}: {description}", failures);
            if (answer is null)
            {
                return;
            }

            Interlocked.Increment(ref sent);
            var (status, text) = answer.Value;
            if (twin is not null && await SendAsync(client, twin.Value.Request, $"seed {seed} request {i} (twin): {description}", failures) is { } other)
            {
                Interlocked.Increment(ref twins);
                CompareTwins(status, text, other.Status, other.Text, named[0], twin.Value.Id, $"seed {seed} request {i}: {description}", failures);
            }

            // Ids the service made become targets of later requests (and of the other tenant's).
            if ((int)status is >= 200 and < 300 && text.StartsWith('{'))
            {
                foreach (var root in new[] { "backup", "volume", "snapshot" })
                {
                    if (JsonDocument.Parse(text).RootElement.TryGetProperty(root, out var item) && item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id))
                    {
                        owners.TryAdd(id.GetString()!, client);
                    }
                }
            }
        });

        Assert.True(target.Death() is null, $"seed {seed}: {target.Death()}");
        Assert.True(failures.IsEmpty, $"seed {seed}: {failures.Count} failures in {count} requests ({twins} twins):\n{string.Join('\n', failures.Take(20))}");
        Assert.True(sent >= count, $"seed {seed}: only {sent} answered");
        Assert.True(twins > 0, $"seed {seed}: no request of tenant B named tenant A's data");

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

        // Now that nothing moves: every request tenant B can make about each of tenant A's backups, volumes and snapshots
        // answers exactly as the same request about an id that exists nowhere.
        var probes = 0;
        foreach (var id in seeded.Concat(owners.Where(o => o.Value == tenantA).Select(o => o.Key).Except(seeded).Take(40)))
        {
            foreach (var (method, path, body) in Probes(id))
            {
                var unknown = Guid.NewGuid().ToString();
                var answers = new List<(HttpStatusCode Status, string Text)>();
                foreach (var subject in new[] { id, unknown })
                {
                    using var request = new HttpRequestMessage(method, path.Replace("{id}", subject, StringComparison.Ordinal));
                    if (body is not null)
                    {
                        request.Content = new StringContent(body.Replace("{id}", subject, StringComparison.Ordinal), Encoding.UTF8, "application/json");
                    }

                    if (await SendAsync(tenantB, request, $"probe {method} {path} with {subject}", failures) is { } answer)
                    {
                        answers.Add(answer);
                    }
                }

                if (answers.Count == 2)
                {
                    probes++;
                    CompareTwins(answers[0].Status, answers[0].Text, answers[1].Status, answers[1].Text, id, unknown, $"probe {method} {path} {body}", failures, strict: true);
                }
            }
        }

        Assert.True(failures.IsEmpty, $"seed {seed}: tenant B can tell tenant A's data exists ({probes} probes):\n{string.Join('\n', failures.Take(20))}");
        Assert.True(probes > 0, "no probe of tenant A's data was made");
    }

    private static async Task<string> CreateAsync(HttpClient client, string path, string root, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty(root).GetProperty("id").GetString()!;
    }

    /// <summary>Every request of tenant B that names one id of someone else's.</summary>
    private static IEnumerable<(HttpMethod Method, string Path, string? Body)> Probes(string id)
    {
        var root = $"/v3/{B}";
        yield return (HttpMethod.Get, $"{root}/backups/{{id}}", null);
        yield return (HttpMethod.Put, $"{root}/backups/{{id}}", "{\"backup\":{\"name\":\"x\"}}");
        yield return (HttpMethod.Delete, $"{root}/backups/{{id}}", null);
        yield return (HttpMethod.Get, $"{root}/backups/{{id}}/export_record", null);
        yield return (HttpMethod.Post, $"{root}/backups/{{id}}/restore", "{\"restore\":{}}");
        yield return (HttpMethod.Post, $"{root}/backups/{{id}}/action", "{\"os-reset_status\":{\"status\":\"available\"}}");
        yield return (HttpMethod.Post, $"{root}/backups/{{id}}/action", "{\"os-force_delete\":{}}");
        yield return (HttpMethod.Post, $"{root}/backups", "{\"backup\":{\"volume_id\":\"{id}\"}}");
        yield return (HttpMethod.Post, $"{root}/backups", "{\"backup\":{\"volume_id\":\"{id}\",\"incremental\":true,\"force\":true}}");
        yield return (HttpMethod.Get, $"{root}/backups/detail?volume_id={{id}}", null);
        yield return (HttpMethod.Get, $"{root}/backups?marker={{id}}", null);
        yield return (HttpMethod.Get, $"{root}/volumes/{{id}}", null);
        yield return (HttpMethod.Delete, $"{root}/volumes/{{id}}", null);
        yield return (HttpMethod.Post, $"{root}/volumes/{{id}}/action", "{\"os-reset_status\":{\"status\":\"available\"}}");
        yield return (HttpMethod.Post, $"{root}/snapshots", "{\"snapshot\":{\"volume_id\":\"{id}\",\"force\":true}}");
        yield return (HttpMethod.Get, $"{root}/snapshots/{{id}}", null);
        yield return (HttpMethod.Delete, $"{root}/snapshots/{{id}}", null);
        yield return (HttpMethod.Get, $"{root}/volumes/detail?marker={{id}}", null);
    }

    private static async Task<(HttpStatusCode Status, string Text)?> SendAsync(HttpClient client, HttpRequestMessage request, string description, ConcurrentQueue<string> failures)
    {
        using (request)
        {
            try
            {
                using var response = await client.SendAsync(request, CancellationToken.None);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    failures.Enqueue($"{description} -> {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}");
                }

                return (response.StatusCode, text);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failures.Enqueue($"{description} -> {e.GetType().Name}: {e.Message}");
                return null;
            }
        }
    }

    /// <summary>The same request with one id replaced by another (path, query and body).</summary>
    private static (HttpRequestMessage Request, string Id)? Twin(HttpRequestMessage request, string? body, string id, string replacement)
    {
        var twin = new HttpRequestMessage(request.Method, request.RequestUri!.OriginalString.Replace(id, replacement, StringComparison.Ordinal));
        foreach (var header in request.Headers)
        {
            twin.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            twin.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.Replace(id, replacement, StringComparison.Ordinal)));
            foreach (var header in request.Content!.Headers.Where(h => h.Key != "Content-Length"))
            {
                twin.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return (twin, replacement);
    }

    /// <summary>
    /// A refusal must read the same, the ids aside; two acceptances may differ in what they made (tenant B's own
    /// data moves while the fuzz runs), so under the fuzz only their status is compared, in the quiet probes all of it.
    /// </summary>
    private static void CompareTwins(HttpStatusCode status, string text, HttpStatusCode twinStatus, string twinText, string id, string twinId, string description, ConcurrentQueue<string> failures, bool strict = false)
    {
        var normal = text.Replace(id, "{id}", StringComparison.Ordinal);
        var twinNormal = twinText.Replace(twinId, "{id}", StringComparison.Ordinal);
        var refused = (int)status >= 400 || (int)twinStatus >= 400;
        if (status != twinStatus || ((strict || refused) && normal != twinNormal))
        {
            failures.Enqueue($"{description} -> {(int)status} {normal[..Math.Min(normal.Length, 200)]} but for an unknown id {(int)twinStatus} {twinNormal[..Math.Min(twinNormal.Length, 200)]}");
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
