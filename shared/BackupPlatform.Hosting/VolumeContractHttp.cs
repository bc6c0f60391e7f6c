using System.Text.Json;

namespace BackupPlatform.Hosting;

/// <summary>
/// The volume-service contract over HTTP, shared by the volume service and its callers: one POST
/// route per call (Cinder's volume RPC methods), the request record of contracts/Volume/V2 as the
/// body, the answer record as the 200 body. A refusal is a <c>VolumeRequestRefused</c> body with 404
/// (no such volume, or not the caller's) or 409 (the volume's state forbids it).
/// </summary>
public static class VolumeContractHttp
{
    public const string TokenHeader = "X-Service-Token";

    public const string CreateVolume = "/internal/v2/create-volume";
    public const string ReserveVolume = "/internal/v2/reserve-volume";
    public const string GetVolume = "/internal/v2/get-volume";
    public const string GetBackupDevice = "/internal/v2/get-backup-device";
    public const string InitializeConnection = "/internal/v2/initialize-connection";
    public const string TerminateConnection = "/internal/v2/terminate-connection";
    public const string ReleaseVolume = "/internal/v2/release-volume";
    public const string SetVolumeMetadata = "/internal/v2/set-volume-metadata";
    public const string DeleteTemporaryVolume = "/internal/v2/delete-temporary-volume";

    /// <summary>Both sides read and write with these (camelCase names), whatever their own defaults.</summary>
    public static JsonSerializerOptions Json => JsonSerializerOptions.Web;
}
