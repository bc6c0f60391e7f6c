namespace BackupPlatform.Storage.Devices;

/// <summary>An allocated stretch of a device: [Offset, Offset + Length) may hold data.</summary>
public readonly record struct DeviceExtent(long Offset, long Length)
{
    public long End => Offset + Length;
}
