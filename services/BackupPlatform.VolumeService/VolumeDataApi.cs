using System.Buffers;
using BackupPlatform.Hosting;
using BackupPlatform.Storage.Devices;
using Microsoft.Net.Http.Headers;

namespace BackupPlatform.VolumeService;

/// <summary>
/// The HTTP data path (docs/volume-data-http.md): a worker that does not see the volume files reads and
/// writes a volume's bytes here, through <see cref="HttpVolumeDevice"/>. Every call needs the service
/// token and an export of the volume to the host named in the path (<see cref="VolumeExports"/>: from
/// InitializeConnection until TerminateConnection). Requests are bounded
/// (<see cref="VolumeDataHttp.MaxRequestBytes"/>) and refused past the volume's end; reads of sparse
/// regions are cheap because the caller asks for the allocated extents first.
/// </summary>
public static class VolumeDataApi
{
    public const string Prefix = VolumeContractHttp.PathPrefix + "connections/";

    /// <summary>A connection's path, relative to the volume service's base URL: the Path of an "http" connection.</summary>
    public static string PathOf(Guid volumeId, string host) => $"{Prefix}{volumeId}/{Uri.EscapeDataString(host)}";

    public static void MapVolumeDataApi(this IEndpointRouteBuilder endpoints)
    {
        var connection = endpoints.MapGroup(Prefix + "{volumeId:guid}/{host}");
        connection.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var token = http.RequestServices.GetRequiredService<VolumeServiceClientOptions>().ServiceToken;
            if (string.IsNullOrEmpty(token) || http.Request.Headers[VolumeContractHttp.TokenHeader] != token)
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            var volumeId = Guid.Parse((string)http.Request.RouteValues["volumeId"]!);
            var host = (string)http.Request.RouteValues["host"]!;
            if (!http.RequestServices.GetRequiredService<VolumeExports>().IsExported(volumeId, host))
            {
                return Results.Problem($"Volume {volumeId} is not connected to host {host}: initialize the connection first.", statusCode: StatusCodes.Status403Forbidden);
            }

            return await next(context);
        });
        connection.MapGet(VolumeDataHttp.Extents, Extents);
        connection.MapGet(VolumeDataHttp.Data, Read);
        connection.MapPut(VolumeDataHttp.Data, WriteAsync);
        connection.MapPost(VolumeDataHttp.Zeros, ZerosAsync);
        connection.MapPost(VolumeDataHttp.Flush, FlushAsync);
    }

    private static IResult Extents(Guid volumeId, long offset, VolumeFiles files)
    {
        using var device = FileVolumeDevice.OpenRead(files.PathOf(volumeId));
        if (offset < 0 || offset > device.Size)
        {
            return OutOfRange(offset, 0, device.Size);
        }

        var extents = device.AllocatedExtents(offset).Take(VolumeDataHttp.MaxExtentsPerAnswer).ToList();
        long? next = extents.Count == VolumeDataHttp.MaxExtentsPerAnswer && extents[^1].End < device.Size ? extents[^1].End : null;
        return Results.Json(new VolumeDataHttp.ExtentsAnswer(extents, next), VolumeContractHttp.Json);
    }

    /// <summary>One bytes range (Range: bytes=a-b), served from the file by the framework's range processing (sendfile).</summary>
    private static IResult Read(Guid volumeId, HttpRequest request, VolumeFiles files)
    {
        var path = files.PathOf(volumeId);
        var size = new FileInfo(path).Length;
        var range = request.GetTypedHeaders().Range;
        if (range is null || range.Unit != "bytes" || range.Ranges.Count != 1 || range.Ranges.First() is not { From: { } from, To: { } to } || to < from)
        {
            return Results.Problem("A read names one range: Range: bytes=FIRST-LAST.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (to - from + 1 > VolumeDataHttp.MaxRequestBytes)
        {
            return Results.Problem($"A read carries at most {VolumeDataHttp.MaxRequestBytes} bytes.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (to >= size)
        {
            return OutOfRange(from, to - from + 1, size);
        }

        return Results.File(path, "application/octet-stream", enableRangeProcessing: true);
    }

    /// <summary>Content-Range: bytes a-b/* and exactly that many bytes of body, written at a.</summary>
    private static async Task<IResult> WriteAsync(Guid volumeId, HttpRequest request, VolumeFiles files, CancellationToken cancellationToken)
    {
        if (!ContentRangeHeaderValue.TryParse(request.Headers.ContentRange.ToString(), out var range) || range.Unit != "bytes" || range.From is not { } from || range.To is not { } to || to < from)
        {
            return Results.Problem("A write names its range: Content-Range: bytes FIRST-LAST/*.", statusCode: StatusCodes.Status400BadRequest);
        }

        var length = to - from + 1;
        if (length > VolumeDataHttp.MaxRequestBytes || request.ContentLength != length)
        {
            return Results.Problem($"A write carries exactly its range's bytes, at most {VolumeDataHttp.MaxRequestBytes}.", statusCode: StatusCodes.Status400BadRequest);
        }

        await using var device = FileVolumeDevice.OpenWrite(files.PathOf(volumeId));
        if (to >= device.Size)
        {
            return OutOfRange(from, length, device.Size);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, 1024 * 1024));
        try
        {
            for (long written = 0; written < length;)
            {
                var read = await request.Body.ReadAtLeastAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - written)), 1, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    return Results.Problem($"The body ended after {written} of {length} bytes.", statusCode: StatusCodes.Status400BadRequest);
                }

                await device.WriteAsync(buffer.AsMemory(0, read), from + written, cancellationToken);
                written += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> ZerosAsync(Guid volumeId, long offset, long length, VolumeFiles files, CancellationToken cancellationToken)
    {
        await using var device = FileVolumeDevice.OpenWrite(files.PathOf(volumeId));
        if (offset < 0 || length < 0 || offset + length > device.Size)
        {
            return OutOfRange(offset, length, device.Size);
        }

        if (length > VolumeDataHttp.MaxZeroBytes)
        {
            return Results.Problem($"A zeros request clears at most {VolumeDataHttp.MaxZeroBytes} bytes.", statusCode: StatusCodes.Status400BadRequest);
        }

        await device.WriteZerosAsync(offset, length, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> FlushAsync(Guid volumeId, VolumeFiles files, CancellationToken cancellationToken)
    {
        await using var device = FileVolumeDevice.OpenWrite(files.PathOf(volumeId));
        await device.FlushAsync(cancellationToken);
        return Results.NoContent();
    }

    private static IResult OutOfRange(long offset, long length, long size) =>
        Results.Problem($"Bytes {offset}..{offset + length} lie outside the volume's {size} bytes.", statusCode: StatusCodes.Status416RangeNotSatisfiable);
}
