using System.Text.Json;

namespace BackupPlatform.Hosting;

/// <summary>The HTTP form of the volume-service contract, shared by the volume service and its callers.</summary>
public static class VolumeContractHttp
{
    public const string PathPrefix = "/internal/v2/";
    public const string TokenHeader = "X-Service-Token";

    /// <summary>Both sides read and write with these (camelCase names), whatever their own defaults.</summary>
    public static JsonSerializerOptions Json => JsonSerializerOptions.Web;

    /// <summary>An answer and the name of its contract type (VolumeReserved, VolumeRequestRefused, ...).</summary>
    public sealed record Answer(string Type, JsonElement Message);
}
