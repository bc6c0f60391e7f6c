using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace BackupPlatform.Storage.Devices;

/// <summary>
/// A volume reached over the volume service's HTTP data path (<see cref="VolumeDataHttp"/>): the
/// connector of a worker that does not share the volume files. Range reads and writes of at most
/// <see cref="VolumeDataHttp.MaxRequestBytes"/> go straight into and out of the engine's buffers (no
/// whole-volume buffering); the engine keeps <see cref="RequestsInFlight"/> of them going so that round
/// trips overlap. <paramref name="http"/> carries the service token and resilience; every request here is
/// idempotent (a write puts the same bytes at the same offset), so retrying one is safe.
/// </summary>
/// <param name="connection">The connection's absolute address (the volume service's URL and the connection's Path).</param>
public sealed class HttpVolumeDevice(HttpClient http, Uri connection, long size, int requestsInFlight = HttpVolumeDevice.DefaultRequestsInFlight) : IVolumeDevice
{
    public const int DefaultRequestsInFlight = 4;

    private readonly string _base = connection.ToString().TrimEnd('/') + "/";

    public string Connector => "http";

    public long Size => size;

    public int RequestsInFlight => requestsInFlight;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        buffer = buffer[..(int)Math.Clamp(size - offset, 0, buffer.Length)];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var length = Math.Min(buffer.Length - filled, VolumeDataHttp.MaxRequestBytes);
            var start = offset + filled;
            using var request = new HttpRequestMessage(HttpMethod.Get, _base + VolumeDataHttp.Data);
            request.Headers.Range = new RangeHeaderValue(start, start + length - 1);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await EnsureAsync(response, $"read of bytes {start}-{start + length - 1}", cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var read = await body.ReadAtLeastAsync(buffer.Slice(filled, length), length, throwOnEndOfStream: false, cancellationToken);
            if (read != length)
            {
                throw new IOException($"The volume service sent {read} bytes of a {length}-byte range at {start}.");
            }

            filled += read;
        }

        return filled;
    }

    public async IAsyncEnumerable<DeviceExtent> AllocatedExtentsAsync(long offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long? next = offset;
        while (next is { } from)
        {
            using var response = await http.GetAsync($"{_base}{VolumeDataHttp.Extents}?offset={from}", cancellationToken);
            await EnsureAsync(response, $"extents from {from}", cancellationToken);
            var answer = await response.Content.ReadFromJsonAsync<VolumeDataHttp.ExtentsAnswer>(JsonSerializerOptions.Web, cancellationToken)
                ?? throw new IOException("The volume service answered extents with an empty body.");
            foreach (var extent in answer.Extents)
            {
                yield return extent;
            }

            next = answer.Next;
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken)
    {
        for (var sent = 0; sent < data.Length;)
        {
            var length = Math.Min(data.Length - sent, VolumeDataHttp.MaxRequestBytes);
            var start = offset + sent;
            using var content = new ReadOnlyMemoryContent(data.Slice(sent, length));
            content.Headers.ContentRange = new ContentRangeHeaderValue(start, start + length - 1);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await http.PutAsync(_base + VolumeDataHttp.Data, content, cancellationToken);
            await EnsureAsync(response, $"write of bytes {start}-{start + length - 1}", cancellationToken);
            sent += length;
        }
    }

    public async ValueTask WriteZerosAsync(long offset, long length, CancellationToken cancellationToken)
    {
        for (long cleared = 0; cleared < length;)
        {
            var part = Math.Min(length - cleared, VolumeDataHttp.MaxZeroBytes);
            using var response = await http.PostAsync($"{_base}{VolumeDataHttp.Zeros}?offset={offset + cleared}&length={part}", null, cancellationToken);
            await EnsureAsync(response, $"zeros at {offset + cleared}", cancellationToken);
            cleared += part;
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(_base + VolumeDataHttp.Flush, null, cancellationToken);
        await EnsureAsync(response, "flush", cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new IOException($"The volume service refused the {what} of {connection}: HTTP {(int)response.StatusCode} {body}".TrimEnd());
        }
    }
}
