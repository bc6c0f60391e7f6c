using BackupPlatform.Contracts.Volume.V2;

namespace BackupPlatform.VolumeService;

/// <summary>What a call of the <see cref="VolumeContract"/> answers: its answer, or the refusal the service gives instead.</summary>
public readonly record struct VolumeAnswer<T>(T? Answer, VolumeRequestRefused? Refusal)
    where T : class
{
    public static implicit operator VolumeAnswer<T>(T answer) => new(answer, null);

    public static implicit operator VolumeAnswer<T>(VolumeRequestRefused refusal) => new(null, refusal);
}
