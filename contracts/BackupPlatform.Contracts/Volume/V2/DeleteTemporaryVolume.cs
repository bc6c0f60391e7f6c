namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>Delete the temporary volume made for a backup (Cinder's _delete_temp_volume); deleting one already gone is done. Answered by <see cref="VolumeRequestDone"/>.</summary>
public sealed record DeleteTemporaryVolume
{
    public required Guid VolumeId { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
