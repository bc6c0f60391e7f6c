namespace BackupPlatform.Storage.Devices;

/// <summary>
/// The volume service's HTTP data path, shared by the server and <see cref="HttpVolumeDevice"/>
/// (docs/volume-data-http.md). Under a connection's path (the "http" connection's Path): GET
/// <c>extents?offset=N</c>, GET <c>data</c> with a Range header, PUT <c>data</c> with a Content-Range
/// header, POST <c>zeros?offset=N&amp;length=M</c> and POST <c>flush</c>.
/// </summary>
public static class VolumeDataHttp
{
    public const string Extents = "extents";
    public const string Data = "data";
    public const string Zeros = "zeros";
    public const string Flush = "flush";

    /// <summary>The most bytes one read or write carries: a request's memory on the volume service is bounded.</summary>
    public const int MaxRequestBytes = 16 * 1024 * 1024;

    /// <summary>The most bytes one zeros request clears (no body travels, but the server writes them).</summary>
    public const long MaxZeroBytes = 64L * 1024 * 1024;

    /// <summary>The most extents in one answer; <see cref="ExtentsAnswer.Next"/> says where to go on.</summary>
    public const int MaxExtentsPerAnswer = 4096;

    /// <summary>An answer to GET extents: the allocated stretches from the offset asked, and the offset to ask next (null at the end).</summary>
    public sealed record ExtentsAnswer(IReadOnlyList<DeviceExtent> Extents, long? Next);
}
