using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using BackupPlatform.Contracts.Volume.V2;
using BackupPlatform.Storage.Devices;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Tests.Devices;

/// <summary>
/// The HTTP volume device against the real volume service's data path: which connection a connector
/// gets, bytes there and back, the extents of a sparse volume (and a backup that reads only them), and
/// the refusals (ranges past the volume, no token, no connection).
/// </summary>
public sealed class HttpVolumeDeviceTests(VolumeServiceEndpoint endpoint) : IClassFixture<VolumeServiceEndpoint>
{
    private const string Host = "worker-elsewhere";
    private const long GiB = 1024L * 1024 * 1024;

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task A_connector_without_the_volumes_marker_gets_http_and_one_that_sees_it_gets_the_file_under_its_own_path()
    {
        var volume = await endpoint.CreateVolumeAsync();
        var id = (await File.ReadAllTextAsync(Path.Combine(endpoint.VolumesPath, VolumeConnector.MarkerFileName))).Trim();

        var remote = await endpoint.ConnectAsync(volume, Host, new VolumeConnector());
        Assert.Equal(DriverVolumeTypes.Http, remote.DriverVolumeType);
        Assert.Equal($"/internal/v2/connections/{volume}/{Host}", remote.Path);
        Assert.Equal(GiB, remote.SizeBytes);

        var wrongId = await endpoint.ConnectAsync(volume, Host, new VolumeConnector { VolumesFileSystemId = Guid.NewGuid().ToString("N"), VolumesPath = "/elsewhere" });
        Assert.Equal(DriverVolumeTypes.Http, wrongId.DriverVolumeType);

        // The same directory mounted at another path on the worker: the file is named under the worker's path.
        var local = await endpoint.ConnectAsync(volume, "worker-here", new VolumeConnector { VolumesFileSystemId = id, VolumesPath = "/mnt/volumes" });
        Assert.Equal(DriverVolumeTypes.File, local.DriverVolumeType);
        Assert.Equal($"/mnt/volumes/{volume}.img", local.Path);

        var older = await endpoint.ConnectAsync(volume, "worker-older", connector: null);
        Assert.Equal(DriverVolumeTypes.File, older.DriverVolumeType);
        Assert.Equal(endpoint.FileOf(volume), older.Path);
    }

    [Fact]
    public async Task Bytes_written_through_the_device_read_back_and_are_in_the_volume_file_after_a_flush()
    {
        var volume = await endpoint.CreateVolumeAsync();
        await using var device = await ConnectAsync(volume);
        var data = RandomNumberGenerator.GetBytes((20 * 1024 * 1024) + 4321); // More than one request's worth.
        const long Offset = (3 * 1024 * 1024) + 17;

        await device.WriteAsync(data, Offset, None);
        await device.WriteZerosAsync(Offset + 1000, 5000, None);
        await device.FlushAsync(None);
        data.AsSpan(1000, 5000).Clear();

        var back = new byte[data.Length];
        Assert.Equal(data.Length, await device.ReadAsync(back, Offset, None));
        Assert.Equal(data, back);
        await using var file = File.OpenRead(endpoint.FileOf(volume));
        var onDisk = new byte[data.Length];
        file.Position = Offset;
        await file.ReadExactlyAsync(onDisk);
        Assert.Equal(data, onDisk);

        // The last bytes of the volume: a read is cut at its end.
        var tail = new byte[100];
        Assert.Equal(10, await device.ReadAsync(tail, GiB - 10, None));
    }

    [Fact]
    public async Task The_extents_of_a_sparse_volume_are_reported_and_a_backup_through_the_device_reads_only_them()
    {
        var volume = await endpoint.CreateVolumeAsync();
        var first = RandomNumberGenerator.GetBytes(64 * 1024);
        var second = RandomNumberGenerator.GetBytes(1024 * 1024);
        using (var file = File.OpenHandle(endpoint.FileOf(volume), FileMode.Open, FileAccess.Write))
        {
            RandomAccess.Write(file, first, 0);
            RandomAccess.Write(file, second, 100L * 1024 * 1024);
        }

        await using var device = await ConnectAsync(volume);
        var extents = new List<DeviceExtent>();
        await foreach (var extent in device.AllocatedExtentsAsync(0, None))
        {
            extents.Add(extent);
        }

        Assert.Equal([new DeviceExtent(0, first.Length), new DeviceExtent(100L * 1024 * 1024, second.Length)], extents);

        // The engine through the HTTP device: two 1 MiB pieces read out of 1 GiB, restored byte-identical.
        var store = new PosixStore(Path.Combine(endpoint.VolumesPath, "..", $"store-{Guid.NewGuid():N}"));
        var options = new EngineOptions { ReadSize = 1024 * 1024, PackSize = 1024 * 1024 };
        var backupId = Guid.NewGuid();
        var result = await new BackupWriter(store, options).WriteAsync(
            new BackupRequest { BackupId = backupId, VolumeId = volume, ProjectId = "project", Device = device, SizeBytes = device.Size, Container = "c" },
            None);
        Assert.Equal(2 * 1024 * 1024, result.BytesRead);

        var target = await endpoint.CreateVolumeAsync();
        await using (var targetDevice = await ConnectAsync(target))
        {
            await new BackupRestorer(store, options).RestoreAsync("c", backupId, targetDevice, targetIsNew: true, null, None);
        }

        Assert.Equal(await HashAsync(endpoint.FileOf(volume)), await HashAsync(endpoint.FileOf(target)));
    }

    [Fact]
    public async Task Ranges_past_the_volume_and_oversized_or_missing_ranges_are_refused()
    {
        var volume = await endpoint.CreateVolumeAsync();
        var path = (await endpoint.ConnectAsync(volume, Host, new VolumeConnector())).Path;

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, await ReadStatusAsync(path, GiB - 10, GiB + 89));
        Assert.Equal(HttpStatusCode.BadRequest, await ReadStatusAsync(path, 0, VolumeDataHttp.MaxRequestBytes));
        Assert.Equal(HttpStatusCode.BadRequest, (await endpoint.Service.GetAsync($"{path}/{VolumeDataHttp.Data}")).StatusCode);

        using var past = new ByteArrayContent(new byte[100]);
        past.Headers.ContentRange = new ContentRangeHeaderValue(GiB - 50, GiB + 49);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await endpoint.Service.PutAsync($"{path}/{VolumeDataHttp.Data}", past)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await endpoint.Service.PostAsync($"{path}/{VolumeDataHttp.Zeros}?offset={GiB - 10}&length=20", null)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await endpoint.Service.GetAsync($"{path}/{VolumeDataHttp.Extents}?offset={GiB + 1}")).StatusCode);
        Assert.Equal(GiB, new FileInfo(endpoint.FileOf(volume)).Length);
    }

    [Fact]
    public async Task Calls_without_the_service_token_for_another_host_or_after_terminate_are_refused()
    {
        var volume = await endpoint.CreateVolumeAsync();
        var path = (await endpoint.ConnectAsync(volume, Host, new VolumeConnector())).Path;
        Assert.Equal(HttpStatusCode.OK, (await endpoint.Service.GetAsync($"{path}/{VolumeDataHttp.Extents}?offset=0")).StatusCode);

        using var anonymous = new HttpClient { BaseAddress = endpoint.BaseAddress };
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"{path}/{VolumeDataHttp.Extents}?offset=0")).StatusCode);
        using var wrongToken = new HttpClient { BaseAddress = endpoint.BaseAddress };
        wrongToken.DefaultRequestHeaders.Add("X-Service-Token", "not-the-token");
        Assert.Equal(HttpStatusCode.Forbidden, (await wrongToken.PostAsync($"{path}/{VolumeDataHttp.Flush}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await endpoint.Service.GetAsync($"/internal/v2/connections/{volume}/another-host/{VolumeDataHttp.Extents}?offset=0")).StatusCode);

        await endpoint.DisconnectAsync(volume, Host);
        var device = new HttpVolumeDevice(endpoint.Service, new Uri(endpoint.BaseAddress, path), GiB);
        var refused = await Assert.ThrowsAsync<IOException>(async () => await device.ReadAsync(new byte[4096], 0, None));
        Assert.Contains("HTTP 403", refused.Message, StringComparison.Ordinal);
        Assert.Contains("not connected", refused.Message, StringComparison.Ordinal);
    }

    private async Task<HttpVolumeDevice> ConnectAsync(Guid volume)
    {
        var connection = await endpoint.ConnectAsync(volume, Host, new VolumeConnector());
        Assert.Equal(DriverVolumeTypes.Http, connection.DriverVolumeType);
        return new HttpVolumeDevice(endpoint.Service, new Uri(endpoint.BaseAddress, connection.Path), connection.SizeBytes);
    }

    private async Task<HttpStatusCode> ReadStatusAsync(string path, long from, long to)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}/{VolumeDataHttp.Data}");
        request.Headers.Range = new RangeHeaderValue(from, to);
        using var response = await endpoint.Service.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string> HashAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(file));
    }
}
